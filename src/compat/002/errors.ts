// Seed 002's refusals: the native status and error code in its envelope
// (envelope.ts), the native detail as the message with each field at fault
// named the seed's way. A missing or bad credential is a 401 with
// `WWW-Authenticate: Bearer`, as natively.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_BY_KIND } from '../../http/problem.ts';
import type { DomainError } from '../../platform/domain-error.ts';

/** The seed's names of the domain's field paths. */
const SEED_FIELDS: Readonly<Record<string, string>> = {
  newPassword: 'password',
  identifier: 'email',
  mfaToken: 'sessionHash',
  '(root)': 'body',
};

// A part's prefix always ends in a dot (`query.limit`): a body field named
// `query` (POST /user/search) keeps its name.
const fieldName = (path: string) => {
  const bare = path.replace(/^(body|querystring|query|params|headers)[./]/, '').replaceAll('/', '.');
  return SEED_FIELDS[bare] ?? (bare || 'body');
};

export function sendSeedError(
  reply: FastifyReply,
  _request: FastifyRequest,
  error: DomainError,
): FastifyReply {
  const errors = (error.errors ?? []).map((e) => ({ field: fieldName(e.path), message: e.message }));
  const status = STATUS_BY_KIND[error.kind];
  if (error.retryAfter !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfter))));
  if (status === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', 'Bearer');
  const message =
    errors.length > 0
      ? `${error.detail} ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`
      : error.detail;
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send({ ok: 0, error: { code: error.code, message, errors } });
}
