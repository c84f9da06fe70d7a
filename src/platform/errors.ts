// Codes shared by every module and by the HTTP layer itself.
import { defineErrors, errorFactory } from './domain-error.ts';

export const commonErrors = defineErrors({
  validation_failed: { kind: 'invalid', title: 'The request has invalid fields' },
  malformed_request: { kind: 'bad_request', title: 'The request body could not be parsed' },
  invalid_cursor: { kind: 'bad_request', title: 'The cursor is not one this API issued' },
  payload_too_large: { kind: 'too_large', title: 'The request body is too large' },
  unsupported_media_type: { kind: 'unsupported', title: 'The request content type is not supported' },
  not_found: { kind: 'not_found', title: 'Not found' },
  unauthenticated: { kind: 'unauthenticated', title: 'Authentication is required' },
  forbidden: { kind: 'forbidden', title: 'Not allowed' },
  insufficient_scope: { kind: 'forbidden', title: 'The token does not carry the scope this request needs' },
  conflict: { kind: 'conflict', title: 'The request conflicts with the current state' },
  rate_limited: { kind: 'rate_limited', title: 'Too many requests' },
  service_unavailable: { kind: 'unavailable', title: 'The service is temporarily unavailable' },
  internal_error: { kind: 'internal', title: 'An unexpected error occurred' },
});

export const commonError = errorFactory(commonErrors);
