// The harness of the end-to-end flow suites: one app per file on a fresh
// database with a real SMTP server; `call`, the shared client (client.ts) with
// every error reply checked to be problem+json with a code and the body
// parsed; the shared factories (factories.ts) with verification through the
// mailed code; and helpers to read codes and links out of received mail.
import assert from 'node:assert/strict';
import type { KyselyPlugin } from 'kysely';
import type { Clock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp, type TestAppOptions } from './build-test-app.ts';
import { type Method, type Reply, request } from './client.ts';
import {
  type Account,
  freshPassword,
  freshUsername,
  type Json,
  session,
  signUp,
  type Tokens,
  verifiedAccount,
} from './factories.ts';
import { type ReceivedMail, startSmtpServer, type TestSmtpServer } from './smtp-server.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export {
  type Account,
  freshEmail,
  freshPassword,
  freshUsername,
  type Json,
  type Tokens,
} from './factories.ts';

export const PUBLIC_URL = 'http://roster.test';

export const SUBJECT = {
  verify: /^Verify your email address for Roster$/,
  signupAttempt: /^Someone tried to sign up for Roster with your address$/,
  reset: /^Reset your Roster password$/,
  passwordChanged: /^Your Roster password was changed$/,
  deleted: /^Your Roster account was deleted$/,
} as const;

/** A reply with its JSON body parsed (the text otherwise). */
export interface FlowReply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | number | undefined>;
  readonly body: Json;
}

/** The user agent of the flows' requests (sessions and audit rows show it). */
const USER_AGENT = 'roster-e2e';

export interface Flow {
  readonly t: TestApp;
  readonly smtp: TestSmtpServer;
  call(
    method: Exclude<Method, 'OPTIONS'>,
    url: string,
    options?: { token?: string; body?: unknown; userAgent?: string },
  ): Promise<FlowReply>;
  /** Signs up; returns the reply and the verification mail. */
  signUp(
    email: string,
    password: string,
    extra?: Record<string, unknown>,
  ): Promise<{ reply: FlowReply; mail: ReceivedMail }>;
  /** A signed-up account, verified with the mailed code. */
  verifiedAccount(options?: { username?: boolean }): Promise<Account>;
  /** Signs in; asserts 200 and the tokens shape. */
  login(identifier: string, password: string, userAgent?: string): Promise<Tokens>;
  /** Waits for the next mail to `to` whose subject matches that no earlier call returned. */
  takeMail(to: string, subject: RegExp): Promise<ReceivedMail>;
  /** Every mail received so far for an address. */
  mailsTo(to: string): ReceivedMail[];
  close(): Promise<void>;
}

export interface FlowOptions {
  /** A Kysely plugin on the app's database (to hold a query at a chosen point). */
  readonly plugin?: KyselyPlugin;
  /** A clock the test moves (ManualClock); the system clock otherwise. */
  readonly clock?: Clock;
  /** More configuration (e.g. SMS_TRANSPORT=webhook). */
  readonly env?: Record<string, string>;
  /** Platform replacements (e.g. the production password hasher). */
  readonly overrides?: TestAppOptions['overrides'];
}

/** Parses a reply, checking that an error reply is problem+json with a code. */
function parsed(method: string, url: string, res: Reply): FlowReply {
  const type = String(res.headers['content-type'] ?? '');
  const body = res.body.length > 0 && /json/.test(type) ? res.json() : res.body;
  if (res.statusCode >= 400) {
    assert.match(type, /^application\/problem\+json/, `${method} ${url}: error replies are problem+json`);
    assert.equal(body.status, res.statusCode, `${method} ${url}: problem status`);
    assert.match(String(body.code), /^[a-z][a-z0-9_]*$/, `${method} ${url}: problem code`);
    assert.equal(body.type, `urn:roster:problem:${body.code}`);
    assert.equal(typeof body.title, 'string');
  }
  return { status: res.statusCode, headers: res.headers, body };
}

export async function startFlow(options: FlowOptions = {}): Promise<Flow> {
  const smtp = await startSmtpServer();
  let own: TestDatabase | undefined;
  if (options.plugin) {
    own = await createTestDatabase();
    const database = { ...own.database, db: own.database.db.withPlugin(options.plugin) };
    own = { ...own, database };
  }
  // Per-IP limits are generous in test apps (every injected request comes from
  // 127.0.0.1); per-address limits (resend cooldown, reset requests) still apply.
  const t = await buildTestApp({
    env: { SMTP_URL: smtp.url, ...options.env },
    ...(own ? { db: own } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.overrides ? { overrides: options.overrides } : {}),
  });
  const taken = new Set<ReceivedMail>();
  const asClient = { 'user-agent': USER_AGENT };

  const call: Flow['call'] = async (method, url, options = {}) => {
    const res = await request(t, method, url, {
      token: options.token,
      body: options.body,
      headers: { 'user-agent': options.userAgent ?? USER_AGENT },
    });
    return parsed(method, url, res);
  };

  const takeMail: Flow['takeMail'] = async (to, subject) => {
    const address = to.trim().toLowerCase();
    const mail = await smtp.waitFor(
      (m) => !taken.has(m) && m.envelopeTo.includes(address) && subject.test(m.subject),
    );
    taken.add(mail);
    return mail;
  };

  return {
    t,
    smtp,
    call,
    async signUp(email, password, extra = {}) {
      const { reply } = await signUp(t, { email, password, fields: extra, headers: asClient });
      const mail = await takeMail(email, SUBJECT.verify);
      return { reply: parsed('POST', '/v1/accounts', reply), mail };
    },
    async login(identifier, password, userAgent) {
      const tokens = await session(t, identifier, password, { 'user-agent': userAgent ?? USER_AGENT });
      assertTokens(tokens);
      return tokens;
    },
    takeMail,
    mailsTo: (to) => smtp.messages.filter((m) => m.envelopeTo.includes(to.trim().toLowerCase())),
    verifiedAccount: (options = {}) =>
      verifiedAccount(t, {
        password: freshPassword(),
        ...(options.username ? { username: freshUsername() } : {}),
        headers: asClient,
        // The sign-up's client keeps its password by sending it with the code.
        async verify({ email, password }) {
          const mail = await takeMail(email, SUBJECT.verify);
          const verified = await call('POST', '/v1/accounts/verify-email', {
            body: { email, code: codeOf(mail), password },
          });
          assert.equal(verified.status, 200, JSON.stringify(verified.body));
        },
      }),
    async close() {
      await t.close();
      await own?.drop();
      await smtp.close();
    },
  };
}

/** The 6-digit code of a verification or reset mail (from the plain-text part). */
export function codeOf(mail: ReceivedMail): string {
  const match = /code is: (\d{6})\b/.exec(mail.text);
  assert.ok(match, `a 6-digit code in: ${mail.text}`);
  return match[1]!;
}

/** The link in a mail's text, checked to start at PUBLIC_URL + path, and its `token` parameter. */
export function linkOf(mail: ReceivedMail, path: string): { url: URL; token: string } {
  const match = /https?:\/\/\S+\?token=\S+/.exec(mail.text);
  assert.ok(match, `a link with token= in: ${mail.text}`);
  const url = new URL(match[0]);
  assert.equal(`${url.origin}${url.pathname}`, `${PUBLIC_URL}${path}`, 'links are built from PUBLIC_URL');
  const token = url.searchParams.get('token');
  assert.ok(token && /^[A-Za-z0-9_-]{16,}$/.test(token), 'an opaque url-safe token');
  assert.ok(mail.html.includes(url.href.replaceAll('&', '&amp;')), 'the HTML part carries the same link');
  return { url, token };
}

/** A 6-digit code guaranteed to differ from `code`. */
export const wrongCode = (code: string): string => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

export function assertTokens(body: Json): void {
  assert.deepEqual(Object.keys(body).sort(), [
    'accessToken',
    'expiresIn',
    'refreshToken',
    'sessionId',
    'tokenType',
    'user',
  ]);
  assert.equal(body.tokenType, 'Bearer');
  assert.equal(typeof body.accessToken, 'string');
  assert.equal(body.accessToken.split('.').length, 3, 'the access token is a JWT');
  assert.equal(typeof body.refreshToken, 'string');
  assert.ok(body.refreshToken.length >= 32);
  assert.equal(body.expiresIn, 900);
  assert.match(body.sessionId, /^[0-9a-f-]{36}$/);
  assert.equal(typeof body.user.id, 'string');
}

/** Asserts an error reply's status and code (`call` has already checked the problem+json shape). */
export function assertProblem(reply: FlowReply, status: number, code: string): Json {
  assert.equal(
    reply.status,
    status,
    `expected ${status} ${code}, got ${reply.status} ${JSON.stringify(reply.body)}`,
  );
  assert.equal(reply.body.code, code);
  return reply.body;
}
