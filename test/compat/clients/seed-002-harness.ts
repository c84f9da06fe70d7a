// The harness of seed-002-client.test.ts: a real Roster listening on a port
// (PUBLIC_URL is that address, so it is also the OAuth issuer), a real SMTP
// server, email verification on, and the operator's own OAuth client allowed
// the document's scopes; `person` makes a user through Seed002Client only,
// then trades its login cookie for delegated tokens as a browser app does.
// Also the reply checks every test uses.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { freshEmail } from '../../helpers/factories.ts';
import { codeOf, SUBJECT } from '../../helpers/flow.ts';
import {
  authorization,
  Browser,
  discover,
  exchangeCode,
  type Provider,
  registerClient,
  startProvider,
} from '../../helpers/oidc.ts';
import { type ReceivedMail, startSmtpServer } from '../../helpers/smtp-server.ts';
import { type LoginRequest, type Ok, type OkData, type Reply, Seed002Client } from './seed-002-client.ts';

export { codeOf, SUBJECT };

/** Every scope the document names. */
export const DOCUMENT_SCOPES = [
  'delegated:profile:read',
  'delegated:profile:write',
  'delegated:profile:search',
  'delegated:social:follow:read',
  'delegated:social:follow:write',
  'delegated:social:block:write',
  'delegated:social:invite-code:read',
  'admin:profile:write',
];
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

/** `{"ok": 1}` with a 200. */
export function assertOk(res: Reply<Ok>): void {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body, { ok: 1 });
}

/** `{"ok": 1, "data": …}` with a 200 and exactly these data keys; returns data. */
export function dataOf<T>(res: Reply<OkData<T>>, keys: string[]): T {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(Object.keys(res.body), ['ok', 'data']);
  assert.equal(res.body.ok, 1);
  assert.deepEqual(Object.keys(res.body.data as object).sort(), [...keys].sort());
  return res.body.data;
}

/** A refusal: any 4xx, never a 200. */
export const assertRefused = (res: Reply<unknown>) =>
  assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${JSON.stringify(res.body)}`);

/** The `token` of the link in a mail. */
export function linkTokenOf(mail: ReceivedMail): string {
  const token = /[?&]token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  assert.ok(token, `a link in: ${mail.text}`);
  return token;
}

/** A new user's create fields. */
export const fresh = (label: string) => ({
  username: `${label}_${randomBytes(4).toString('hex')}`,
  email: freshEmail(label),
  password: `${label}-Passw0rd-${randomBytes(4).toString('hex')}`,
});

export interface Person {
  readonly client: Seed002Client;
  readonly id: string;
  readonly username: string;
  readonly email: string;
  password: string;
}

/** The login body: the table makes all four fields required. */
export const credentials = (who: Pick<Person, 'username' | 'email' | 'password'>): LoginRequest => ({
  username: who.username,
  email: who.email,
  password: who.password,
  userAgent: USER_AGENT,
});

export interface Seed002Server {
  readonly p: Provider;
  /** The server's base URL. */
  readonly url: string;
  /** The next mail to `to` whose subject matches that no earlier call returned. */
  takeMail(to: string, subject: RegExp): Promise<ReceivedMail>;
  /** A user made, verified and signed in through the client, holding delegated tokens too. */
  person(label: string): Promise<Person>;
  close(): Promise<void>;
}

export async function startSeed002Server(): Promise<Seed002Server> {
  const smtp = await startSmtpServer();
  const p = await startProvider({
    env: { SMTP_URL: smtp.url, ROSTER_REQUIRE_EMAIL_VERIFICATION: 'true', ROSTER_COMPAT: '002' },
  });
  // The operator's own app (first-party, so no consent page), allowed the document's scopes.
  const oauthClient = await registerClient(p, { firstParty: true, scopes: ['openid', ...DOCUMENT_SCOPES] });
  const config = await discover(p, oauthClient);
  const taken = new Set<ReceivedMail>();

  async function takeMail(to: string, subject: RegExp): Promise<ReceivedMail> {
    const mail = await smtp.waitFor(
      (m) => !taken.has(m) && m.envelopeTo.includes(to.toLowerCase()) && subject.test(m.subject),
    );
    taken.add(mail);
    return mail;
  }

  /** What the browser app does after POST /user/login: /oauth/authorize with the cookie, then /oauth/token. */
  async function delegatedToken(client: Seed002Client): Promise<string> {
    const browser = new Browser(p.issuer);
    for (const [name, value] of client.cookies) browser.cookies.set(name, value);
    const start = await authorization(config, oauthClient, ['openid', ...DOCUMENT_SCOPES].join(' '));
    const back = await browser.go(String(start.url));
    assert.equal(back.status, 303, `straight back to the app: ${back.body.slice(0, 200)}`);
    const tokens = await exchangeCode(config, new URL(back.url), start);
    return tokens.access_token;
  }

  async function person(label: string): Promise<Person> {
    const client = new Seed002Client(p.issuer);
    const who = fresh(label);
    assertOk(await client.create({ ...who, firstName: label, lastName: 'Tester' }));
    // The document's journey: the mailed code, then the password sent to create.
    assertOk(await client.verifyEmail({ code: codeOf(await takeMail(who.email, SUBJECT.verify)) }));
    const data = dataOf(await client.login(credentials(who)), ['2faEnabled', 'user']);
    assert.equal(data['2faEnabled'], false);
    assert.ok(client.cookies.size > 0, 'the login set a cookie');
    client.token = await delegatedToken(client);
    return { client, id: data.user._id, ...who };
  }

  return {
    p,
    url: p.issuer,
    takeMail,
    person,
    async close() {
      await p.close();
      await smtp.close();
    },
  };
}
