// The one HTTP client of the test suites: every request goes through the
// real app with app.inject (real routing, hooks, schemas and serializers, no
// socket), and the checks every error reply must pass are written once here.
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';

export type Reply = LightMyRequestResponse;
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** Anything with the app to talk to: a TestApp, a Flow's `t`. */
export interface Target {
  readonly app: { inject(options: InjectOptions): Promise<LightMyRequestResponse> };
}

export interface RequestOptions {
  /** Sent as `Authorization: Bearer <token>` (an access token or a service key). */
  readonly token?: string | undefined;
  /** An object is sent as JSON; a string or a Buffer as it is (with the content-type in `headers`). */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** The socket's address (127.0.0.1 otherwise). */
  readonly remoteAddress?: string;
}

export function request(
  t: Target,
  method: Method,
  url: string,
  options: RequestOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  return t.app.inject({
    method,
    url,
    headers,
    ...(options.body === undefined ? {} : { payload: options.body as object }),
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
  });
}

export const get = (t: Target, url: string, token?: string): Promise<Reply> =>
  request(t, 'GET', url, { token });

export const post = (
  t: Target,
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> => request(t, 'POST', url, { body, headers });

/** POST /v1/sessions with a password, whatever the answer. */
export const login = (
  t: Target,
  identifier: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Reply> => post(t, '/v1/sessions', { identifier, password }, headers);

/** Asserts an RFC 9457 reply with this status and code; returns its body. */
export function assertProblem(res: Reply, status: number, code: string): Record<string, unknown> {
  assert.equal(res.statusCode, status, `expected ${status} ${code}, got ${res.statusCode}: ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json() as Record<string, unknown>;
  assert.equal(body.code, code);
  assert.equal(body.status, status);
  assert.equal(typeof body.title, 'string');
  assert.equal(typeof body.detail, 'string');
  return body;
}

/** 429 `rate_limited` with a whole-second Retry-After; returns the seconds. */
export function assertRateLimited(res: Reply): number {
  assertProblem(res, 429, 'rate_limited');
  const retryAfter = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `Retry-After: ${res.headers['retry-after']}`);
  return retryAfter;
}
