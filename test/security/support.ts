// Shared by the hostile-caller tests: requests, problem+json checks, account
// set-up, and hashers that are cheap or that count their calls.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { createPasswordHasher, type PasswordHasher } from '../../src/platform/crypto/password-hasher.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';

export type Reply = LightMyRequestResponse;

/** A new address for every call, so tests never share accounts or per-address limits. */
export const freshEmail = (label = 'user'): string =>
  `${label}-${randomBytes(5).toString('hex')}@example.com`;

export const STRONG_PASSWORD = 'violet kettle drums 4 seasons';

export function post(
  t: TestApp,
  url: string,
  payload: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return t.app.inject({ method: 'POST', url, payload: payload as object, headers });
}

export function get(t: TestApp, url: string, accessToken?: string): Promise<Reply> {
  return t.app.inject({
    method: 'GET',
    url,
    headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {},
  });
}

export function login(
  t: TestApp,
  identifier: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return post(t, '/v1/sessions', { identifier, password }, headers);
}

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

/** Signs up through the API; returns the 201 body. */
export async function signUp(
  t: TestApp,
  email: string,
  password = STRONG_PASSWORD,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const res = await post(t, '/v1/accounts', { email, password, ...extra });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as Record<string, unknown>;
}

/** Marks an address verified in the database (the mail round trip is another suite's subject). */
export async function markVerified(t: TestApp, email: string): Promise<void> {
  const now = new Date().toISOString();
  await t.db.database.db
    .updateTable('users')
    .set({ email_verified_at: now })
    .where('email', '=', email.trim().toLowerCase())
    .execute();
}

/** Signs up and verifies; returns the user id. */
export async function verifiedAccount(
  t: TestApp,
  email: string,
  password = STRONG_PASSWORD,
): Promise<string> {
  const body = await signUp(t, email, password);
  await markVerified(t, email);
  const row = await t.db.database.db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirstOrThrow();
  assert.ok((body.user as { id: string }).id);
  return row.id;
}

/** Logs in and returns the tokens reply. */
export async function session(
  t: TestApp,
  email: string,
  password = STRONG_PASSWORD,
  headers: Record<string, string> = {},
): Promise<{ accessToken: string; refreshToken: string; sessionId: string; user: { id: string } }> {
  const res = await login(t, email, password, headers);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

export async function countUsers(t: TestApp, email?: string): Promise<number> {
  let query = t.db.database.db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n'));
  if (email !== undefined) query = query.where('email', '=', email);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** argon2id with small parameters: for suites that hash a lot and test something else. */
export const cheapHasher = (): PasswordHasher =>
  createPasswordHasher({ params: { memoryCost: 1024, timeCost: 1, parallelism: 1 } });

export interface CountingHasher extends PasswordHasher {
  readonly calls: { hash: number; verify: number; verifyDummy: number };
  resetCalls(): void;
}

/** Wraps a hasher and counts what the services ask of it. */
export function countingHasher(inner: PasswordHasher): CountingHasher {
  const calls = { hash: 0, verify: 0, verifyDummy: 0 };
  return {
    calls,
    resetCalls() {
      calls.hash = 0;
      calls.verify = 0;
      calls.verifyDummy = 0;
    },
    hash(password) {
      calls.hash++;
      return inner.hash(password);
    },
    verify(hash, password) {
      calls.verify++;
      return inner.verify(hash, password);
    },
    verifyDummy(password) {
      calls.verifyDummy++;
      return inner.verifyDummy(password);
    },
    stats: () => inner.stats(),
  };
}

/** Signs up on an app with verification off: the new account's id and access token. */
export async function signedUpAccount(t: TestApp, label: string): Promise<{ token: string; id: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/accounts',
    payload: { email: freshEmail(label), password: STRONG_PASSWORD },
  });
  assert.equal(res.statusCode, 201, res.body);
  return { token: res.json().session.accessToken as string, id: res.json().user.id as string };
}

/** A test app with verification off and one signed-up account's access token (edge-rule tests). */
export async function appWithSession(label: string): Promise<{ t: TestApp; token: string }> {
  const t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  return { t, token: (await signedUpAccount(t, label)).token };
}
