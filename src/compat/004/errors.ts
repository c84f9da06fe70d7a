// Seed 004's refusals: `error: {code, message}` with the seed's numeric codes
// where it defines one, and Roster's own (9 followed by the HTTP status) for
// what it leaves out. The HTTP status is the domain error's, as natively.
// docs/compat/004.md lists every code.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_BY_KIND } from '../../http/problem.ts';
import type { DomainError } from '../../platform/domain-error.ts';
import { failure } from './envelope.ts';

/** The seed's own codes. */
export const SEED_CODES = {
  validationFailed: 1006,
  otpIncorrect: 2002,
  otpExpired: 2003,
  otiExpired: 2008,
  userDeletionFailed: 3507,
  phoneTaken: 3708,
  phoneAlreadyLinked: 3709,
} as const;

/** Roster's code for "sign in again": a sensitive change more than ROSTER_REAUTH_MAX_AGE after sign-in. */
export const SIGN_IN_AGAIN = 9441;

const BY_DOMAIN_CODE: Readonly<Record<string, number>> = {
  invalid_code: SEED_CODES.otpIncorrect,
  otp_expired: SEED_CODES.otpExpired,
  oti_expired: SEED_CODES.otiExpired,
  phone_taken: SEED_CODES.phoneTaken,
  phone_already_linked: SEED_CODES.phoneAlreadyLinked,
  reauthentication_required: SIGN_IN_AGAIN,
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How a seed 004 route words its refusals. */
    seed004?: RouteErrors;
  }
}

/** What a route says about its own failures: DELETE /users fails as 3507. */
export interface RouteErrors {
  /** The code of this route's failures that are not the caller's doing (not found, conflict, a fault). */
  readonly failureCode?: number;
  /** Seed names of the domain's field paths (`subject.id` is `content_id`). */
  readonly fieldNames?: Readonly<Record<string, string>>;
}

const FAILURE_KINDS = new Set(['not_found', 'conflict', 'gone', 'internal', 'unavailable']);

export function seedCode(error: DomainError, route: RouteErrors): number {
  const known = BY_DOMAIN_CODE[error.code];
  if (known !== undefined) return known;
  if (route.failureCode !== undefined && FAILURE_KINDS.has(error.kind)) return route.failureCode;
  if (error.kind === 'invalid' || error.kind === 'bad_request') return SEED_CODES.validationFailed;
  return 9000 + STATUS_BY_KIND[error.kind];
}

/** The message: the error's public detail, then each field by its seed name. */
export function seedMessage(error: DomainError, route: RouteErrors): string {
  if (!error.errors?.length) return error.detail;
  const fields = error.errors.map((e) => {
    const path = e.path.replace(/^(query|headers|params)\./, '');
    return `${route.fieldNames?.[path] ?? path} ${e.message}`;
  });
  // The native detail points at an `errors` list this envelope does not have: the fields go in the message.
  const lead = error.kind === 'invalid' || error.kind === 'bad_request' ? 'Validation failed:' : error.detail;
  return `${lead} ${fields.join('; ')}`;
}

export function sendSeedError(
  reply: FastifyReply,
  request: FastifyRequest,
  error: DomainError,
): FastifyReply {
  const route = request.routeOptions.config?.seed004 ?? {};
  if (error.retryAfter !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfter))));
  return reply
    .code(STATUS_BY_KIND[error.kind])
    .type('application/json; charset=utf-8')
    .send(failure(seedCode(error, route), seedMessage(error, route)));
}
