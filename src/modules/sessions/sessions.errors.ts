import { defineErrors, errorFactory } from '../../platform/domain-error.ts';

export const sessionErrors = defineErrors({
  invalid_token: { kind: 'unauthenticated', title: 'The access token is invalid, expired or revoked' },
  invalid_refresh_token: {
    kind: 'unauthenticated',
    title: 'The refresh token is invalid, expired or revoked',
  },
  session_not_found: { kind: 'not_found', title: 'No such session' },
  signing_unavailable: {
    kind: 'unavailable',
    title: 'Token signing keys are not loaded yet (the database was unreachable); retry shortly',
  },
});

export const sessionError = errorFactory(sessionErrors);
