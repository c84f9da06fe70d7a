// Accounts and sessions for tests, made through the API as a client makes
// them: `account` (signed up, on an app with verification off, with the
// session the sign-up returns), `verifiedAccount` (signed up and verified) and
// `session` (signed in). Only what no route can do without a mailbox or an
// operator (marking an address verified, granting the admin role) writes to
// the database, and those writes are here, once.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { buildTestApp, type TestApp } from './build-test-app.ts';
import { login, post, type Reply, request } from './client.ts';

/** Long, not on any common-password list, shared by accounts whose password is not the subject. */
export const STRONG_PASSWORD = 'violet kettle drums 4 seasons';

/** A new address for every call, so tests never share accounts or per-address limits. */
export const freshEmail = (label = 'user'): string =>
  `${label}-${randomBytes(6).toString('hex')}@example.com`;
/** Long, random and not on any common-password list. */
export const freshPassword = (): string => `orbit-${randomUUID().slice(0, 13)}-lantern`;
export const freshUsername = (): string => `u_${randomUUID().replaceAll('-', '').slice(0, 16)}`;

// biome-ignore lint/suspicious/noExplicitAny: replies are asserted field by field
export type Json = any;

/** The app and the database a factory works on (a TestApp, a Flow's `t`). */
export type FactoryTarget = Pick<TestApp, 'app' | 'db'>;

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly username?: string;
}

/** An account signed in by its sign-up (verification off). */
export interface SignedUpAccount extends Account {
  /** The sign-up session's access token. */
  readonly token: string;
  readonly refreshToken: string;
}

export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
  readonly sessionId: string;
  readonly user: Json;
}

export interface AccountOptions {
  /** A fresh address (labelled `label`) otherwise. */
  readonly email?: string;
  readonly label?: string;
  /** STRONG_PASSWORD otherwise. */
  readonly password?: string;
  readonly username?: string;
  /** More sign-up fields (firstName, inviteCode, ...). */
  readonly fields?: Record<string, unknown>;
  /** Request headers of the sign-up (user agent, forwarded address, ...). */
  readonly headers?: Record<string, string>;
}

/** POST /v1/accounts, asserted 201. */
export async function signUp(
  t: Pick<TestApp, 'app'>,
  options: AccountOptions = {},
): Promise<{ reply: Reply; account: Account }> {
  const email = options.email ?? freshEmail(options.label);
  const password = options.password ?? STRONG_PASSWORD;
  const body = {
    email,
    password,
    ...(options.username === undefined ? {} : { username: options.username }),
    ...options.fields,
  };
  const reply = await post(t, '/v1/accounts', body, options.headers);
  assert.equal(reply.statusCode, 201, reply.body);
  const id = reply.json().user.id as string;
  assert.ok(id, 'the sign-up names its account');
  return {
    reply,
    account: {
      id,
      email,
      password,
      ...(options.username === undefined ? {} : { username: options.username }),
    },
  };
}

/**
 * A signed-up account on an app with ROSTER_REQUIRE_EMAIL_VERIFICATION=false,
 * signed in by its sign-up; `profile` is then applied with PATCH /v1/me.
 */
export async function account(
  t: Pick<TestApp, 'app'>,
  options: AccountOptions & { readonly profile?: object } = {},
): Promise<SignedUpAccount> {
  const { reply, account } = await signUp(t, options);
  const session = reply.json().session as { accessToken: string; refreshToken: string } | undefined;
  assert.ok(session, 'a sign-up with verification off signs the account in');
  if (options.profile !== undefined && Object.keys(options.profile).length > 0) {
    const patched = await request(t, 'PATCH', '/v1/me', {
      token: session.accessToken,
      body: options.profile,
    });
    assert.equal(patched.statusCode, 200, patched.body);
  }
  return { ...account, token: session.accessToken, refreshToken: session.refreshToken };
}

/**
 * Marks an address verified in the database: the mail round trip is the
 * subject of the flow suites (a Flow's verifiedAccount goes through it).
 */
export async function markVerified(t: Pick<TestApp, 'db'>, email: string): Promise<void> {
  await t.db.database.db
    .updateTable('users')
    .set({ email_verified_at: new Date().toISOString() })
    .where('email', '=', email.trim().toLowerCase())
    .execute();
}

/** Signs up and verifies the address: by `verify` (e.g. the mailed code), or in the database. */
export async function verifiedAccount(
  t: FactoryTarget,
  options: AccountOptions & { readonly verify?: (account: Account) => Promise<void> } = {},
): Promise<Account> {
  const { account } = await signUp(t, options);
  await (options.verify ? options.verify(account) : markVerified(t, account.email));
  return account;
}

/** Signs in with a password (STRONG_PASSWORD otherwise), asserted 200; the tokens. */
export async function session(
  t: Pick<TestApp, 'app'>,
  identifier: string,
  password = STRONG_PASSWORD,
  headers: Record<string, string> = {},
): Promise<Tokens> {
  const res = await login(t, identifier, password, headers);
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as Tokens;
}

/** Grants the admin role (an operator's act: the CLI's `user create --role admin`). */
export async function makeAdmin(t: Pick<TestApp, 'db'>, userId: string): Promise<void> {
  await t.db.database.db.updateTable('users').set({ role: 'admin' }).where('id', '=', userId).execute();
}

/** How many accounts exist (with this address): to show that a refused request made none. */
export async function countUsers(t: Pick<TestApp, 'db'>, email?: string): Promise<number> {
  let query = t.db.database.db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('n'));
  if (email !== undefined) query = query.where('email', '=', email);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A test app with verification off and one signed-up account's access token (edge-rule tests). */
export async function appWithSession(label: string): Promise<{ t: TestApp; token: string }> {
  const t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  return { t, token: (await account(t, { label })).token };
}
