// The only place that maps errors to HTTP. DomainErrors carry their kind;
// Fastify's own errors (validation, parsing, size) are translated into the
// common catalogue; anything else is a 500 whose internals stay in the log.
// The native API answers problem+json; a compatibility surface takes the same
// translated error and writes it in its own shape (src/compat/surface.ts).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../platform/domain-error.ts';
import { commonError } from '../platform/errors.ts';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem.ts';
import { fieldErrors } from './validation.ts';

/** How many field errors a validation refusal lists at most. */
export const MAX_FIELD_ERRORS = 20;

/** Any error a request met, as the domain error every face maps to its wire shape. */
export function toDomainError(error: FastifyError): DomainError {
  if (error instanceof DomainError) return error;
  if (error.validation) {
    // A body of a million bad array items has a million errors: each reply
    // names the first few, so a refusal stays small whatever was sent.
    const errors = fieldErrors(error.validation as never, error.validationContext);
    return commonError('validation_failed', {
      detail:
        errors.length > MAX_FIELD_ERRORS
          ? `Some fields are missing or invalid; see errors (the first ${MAX_FIELD_ERRORS} of ${errors.length}).`
          : 'Some fields are missing or invalid; see errors.',
      errors: errors.slice(0, MAX_FIELD_ERRORS),
    });
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return commonError('payload_too_large', { detail: 'The request body exceeds the size limit.' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return commonError('unsupported_media_type', { detail: 'Send the body as application/json.' });
    case 'FST_ERR_BAD_URL':
      return commonError('malformed_request', {
        detail: 'The request URL is not valid: percent-escapes must encode UTF-8.',
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return commonError('malformed_request', { detail: 'The request body is not valid JSON.' });
  }
  // JSON parse errors (including a forbidden __proto__ key) arrive as 400s.
  if (error.statusCode === 400 && (error instanceof SyntaxError || error.name === 'SyntaxError')) {
    return commonError('malformed_request', { detail: 'The request body is not valid JSON.' });
  }
  if (error.statusCode === 429)
    return commonError('rate_limited', { detail: 'Too many requests; slow down.' });
  if (error.statusCode === 404) return commonError('not_found');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return commonError('malformed_request', { detail: 'The request could not be processed.' });
  }
  return commonError('internal_error', {
    detail: 'An unexpected error occurred. Quote the request id when reporting it.',
  });
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: DomainError): FastifyReply {
  const problem = toProblem(error, request.id);
  if (error.retryAfter !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfter))));
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** Writes a refusal in a face's shape. */
export type ErrorSender = (reply: FastifyReply, request: FastifyRequest, error: DomainError) => FastifyReply;

/**
 * Errors Fastify meets while routing, before any hook or handler (a path whose
 * percent-escapes are not UTF-8, a parameter over the length limit), in the
 * shape of the face the path belongs to: a surface's own under its prefix,
 * problem+json elsewhere. Passed as the `frameworkErrors` option, since
 * routing runs before any error handler.
 */
export function frameworkErrors(faces: readonly { prefix: string; send: ErrorSender }[] = []) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const path = request.url.split('?')[0]!;
    const face = faces.find((f) => path === f.prefix || path.startsWith(`${f.prefix}/`));
    (face?.send ?? sendProblem)(reply, request, toDomainError(error));
  };
}

/** Translates an error and logs what the caller is not shown: a bug's stack, a refusal's internal note. */
export function logged(request: FastifyRequest, error: FastifyError): DomainError {
  const domainError = toDomainError(error);
  if (domainError.kind === 'internal') {
    request.log.error({ err: error }, 'request failed');
  } else if (domainError.internal) {
    request.log.info({ code: domainError.code, internal: domainError.internal }, 'request refused');
  }
  return domainError;
}

/** The not-found error of a request no route matched. */
export const noRoute = (request: FastifyRequest): DomainError =>
  commonError('not_found', {
    detail: `No route for ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}.`,
  });

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendProblem(reply, request, logged(request, error)),
  );
  app.setNotFoundHandler((request, reply) => sendProblem(reply, request, noRoute(request)));
}
