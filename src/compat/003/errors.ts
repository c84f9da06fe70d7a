// Seed 003's refusals: the native status and error code, in its envelope.
// The document shows no error body, so the message is the native detail with
// each field at fault named the seed's way (`profile.contact.phone`).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_BY_KIND } from '../../http/problem.ts';
import type { DomainError } from '../../platform/domain-error.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Seed 003's names of the domain's field paths, by route (`contact.phone` is `profile.contact.phone`). */
    seed003Fields?: Readonly<Record<string, string>>;
  }
}

const fieldName = (path: string, names: Readonly<Record<string, string>>) => {
  const bare = path.replace(/^(body|query|params|headers)[./]?/, '').replaceAll('/', '.');
  return names[bare] ?? bare;
};

/**
 * Where the surface answers another status than the native one: a wrong 2FA
 * code from a signed-in user is bad input here (422), not the 401 a sign-in
 * step gives, which a client would take for an ended session.
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = { invalid_mfa_code: 422 };

export function sendSeedError(
  reply: FastifyReply,
  request: FastifyRequest,
  error: DomainError,
): FastifyReply {
  const names = request.routeOptions.config?.seed003Fields ?? {};
  const errors = (error.errors ?? []).map((e) => ({ field: fieldName(e.path, names), message: e.message }));
  if (error.retryAfter !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfter))));
  const message =
    errors.length > 0
      ? `${error.detail} ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`
      : error.detail;
  return reply
    .code(STATUS_BY_CODE[error.code] ?? STATUS_BY_KIND[error.kind])
    .type('application/json; charset=utf-8')
    .send({ status: 'error', message, data: { code: error.code, errors } });
}
