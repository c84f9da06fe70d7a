// Seed 001's refusals, as a FastAPI service answers them: bad input is 422
// `{"detail": [{loc, msg, type}]}`, anything else `{"detail": "<text>"}` with
// the native status. A missing or bad token is FastAPI's own 401 (with
// `WWW-Authenticate: Bearer`), an unknown path its `Not Found`, a known path
// with another method its `Method Not Allowed`. One status differs from the
// native API: a wrong current password is a 400 here, not a 403 a client
// would read as a token that lacks a scope.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_BY_KIND } from '../../http/problem.ts';
import type { DomainError, FieldError } from '../../platform/domain-error.ts';
import { RequestInvalid, type ValidationItem } from './validation.ts';

const STATUS_BY_CODE: Readonly<Record<string, number>> = { invalid_password: 400 };

/** FastAPI's words where a client may match them. */
const DETAIL_BY_CODE: Readonly<Record<string, string>> = {
  unauthenticated: 'Not authenticated',
  invalid_token: 'Could not validate credentials',
  not_found: 'Not Found',
};

/** The seed's names of the domain's field paths. */
const SEED_FIELDS: Readonly<Record<string, string>> = {
  'name.first': 'first_name',
  'name.last': 'last_name',
  'name.display': 'display_name',
  currentPassword: 'current_password',
  newPassword: 'new_password',
};

const PART: Readonly<Record<string, string>> = { query: 'query', params: 'path', headers: 'header' };

/** The methods of each path the surface serves, as its routes are registered: another method is a 405. */
const METHODS = new Map<string, Set<string>>();

export function rememberRoute(route: { url: string; method: string | string[] }): void {
  const methods = METHODS.get(route.url) ?? new Set<string>();
  for (const method of [route.method].flat()) methods.add(method);
  METHODS.set(route.url, methods);
}

/** A domain field error as pydantic's `value_error` on that field. */
function itemOf({ path, message }: FieldError): ValidationItem {
  const [head, ...rest] = path.split('.');
  const part = PART[head!];
  const field = part ? rest.join('.') : (SEED_FIELDS[path] ?? path);
  const name = field === '(root)' ? '' : field;
  const segments = name === '' ? [] : name.split('.').map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s));
  return {
    loc: [part ?? 'body', ...segments],
    msg: `Value error, ${name ? `${name} ` : ''}${message}`,
    type: 'value_error',
  };
}

function validationDetail(error: DomainError): ValidationItem[] {
  if (error instanceof RequestInvalid) return [...error.items];
  if (error.errors?.length) return error.errors.map(itemOf);
  return [{ loc: ['body'], msg: `Value error, ${error.detail}`, type: 'value_error' }];
}

export function sendSeedError(
  reply: FastifyReply,
  request: FastifyRequest,
  error: DomainError,
): FastifyReply {
  // A path served with other methods: FastAPI's 405, with the methods it takes.
  const allowed = request.is404 ? METHODS.get(request.url.split('?')[0]!) : undefined;
  if (allowed) {
    reply.header('allow', [...allowed].join(', '));
    return reply.code(405).type('application/json').send({ detail: 'Method Not Allowed' });
  }
  const status = STATUS_BY_CODE[error.code] ?? STATUS_BY_KIND[error.kind];
  if (error.retryAfter !== undefined)
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfter))));
  if (status === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', 'Bearer');
  const detail = status === 422 ? validationDetail(error) : (DETAIL_BY_CODE[error.code] ?? error.detail);
  return reply.code(status).type('application/json').send({ detail });
}
