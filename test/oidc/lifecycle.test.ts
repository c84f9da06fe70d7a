// The provider across the server's and the account's lifecycle, with a real
// relying party: a restart and a key rotation keep browsers signed in and
// tokens valid; a ban and a password reset end the grant; consent is skipped
// for first-party clients and remembered per client and scope set; a browser
// with a live Roster session sees no page; the second factor on the hosted
// pages. On both dialects.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { BROWSER_COOKIE } from '../../src/modules/sessions/browser-cookie.ts';
import { KEY_RELOAD_MS } from '../../src/modules/sessions/signing-keys.ts';
import { CLI_PRINCIPAL } from '../../src/platform/auth/principal.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { totpCodeAt } from '../../src/platform/crypto/totp.ts';
import { InProcessEventBus } from '../../src/platform/events/in-process-event-bus.ts';
import { en } from '../../src/web/strings.ts';
import type { TestApp } from '../helpers/build-test-app.ts';
import { request } from '../helpers/client.ts';
import { account, freshPassword, STRONG_PASSWORD } from '../helpers/factories.ts';
import { codeOf, SUBJECT, wrongCode } from '../helpers/flow.ts';
import {
  authorization,
  Browser,
  discover,
  exchangeCode,
  formOf,
  type Page,
  type Provider,
  type RegisteredClient,
  registerClient,
  signInAndConsent,
  startProvider,
} from '../helpers/oidc.ts';
import {
  assertCodeRedirect,
  assertRefreshRefused,
  isConsent,
  isMfa,
  isSignIn,
  kidOf,
  operatorNode,
  restartProvider,
  rotateKeys,
} from '../helpers/oidc-lifecycle.ts';
import { type ReceivedMail, startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';
import { createTestDatabase } from '../helpers/test-database.ts';

/** Without offline_access, so no prompt=consent: whether consent is asked is the provider's choice. */
const SCOPES = 'openid profile email';

const exchange = exchangeCode;
const credentials = (user: { email: string }) => ({ identifier: user.email, password: STRONG_PASSWORD });

/** Posts the sign-in form of `page` with the user's password. */
async function signIn(browser: Browser, page: Page, user: { email: string }): Promise<Page> {
  assert.ok(isSignIn(page), `the sign-in page, not ${page.status} ${page.body.slice(0, 300)}`);
  const form = formOf(page, '/login');
  return browser.go(form.action, { form: { ...form.fields, ...credentials(user) } });
}

/** Allows on the consent page `page`. */
async function allow(browser: Browser, page: Page): Promise<Page> {
  assert.ok(isConsent(page), `the consent page, not ${page.status} ${page.body.slice(0, 300)}`);
  const form = formOf(page, '/consent');
  return browser.go(form.action, { form: { ...form.fields, decision: 'allow' } });
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('OpenID provider across restarts and key rotations', () => {
  it('a restart keeps the browser signed in and the tokens and refresh token valid', async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const p = await startProvider({ db });
    let running: Pick<TestApp, 'close'> = p;
    cleanups.push(() => running.close());
    const client = await registerClient(p);
    const config = await discover(p, client);
    const user = await account(p.t, { label: 'restart' });
    const browser = new Browser(p.issuer);
    const start = await authorization(config, client);
    const callback = assertCodeRedirect(
      await signInAndConsent(browser, start.url, credentials(user)),
      client,
    );
    const tokens = await exchange(config, callback, start);

    const next = await restartProvider(p);
    running = next;
    assert.deepEqual(next.config.secrets, p.t.config.secrets, 'the same ROSTER_SECRET');
    assert.equal(next.config.publicUrl, p.issuer, 'the same issuer');

    const again = await authorization(config, client, SCOPES);
    const code = assertCodeRedirect(await browser.go(again.url.href), client);
    assert.equal((await exchange(config, code, again)).claims()!.sub, user.id);
    const me = await request(next, 'GET', '/v1/me', { token: tokens.access_token });
    assert.equal(me.statusCode, 200, me.body);
    assert.equal(me.json().id, user.id);
    assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, true);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.equal((await request(next, 'GET', '/v1/me', { token: refreshed.access_token })).statusCode, 200);
  });

  it('a key rotation keeps earlier tokens valid, and what is issued next is signed by the new keys', async () => {
    // The server learns of a rotation made beside it (the CLI) at its next reload: the clock moves there.
    const clock = new ManualClock(new Date());
    const p = await startProvider({ clock });
    cleanups.push(() => p.close());
    const client = await registerClient(p);
    const config = await discover(p, client);
    const user = await account(p.t, { label: 'rotation' });
    const browser = new Browser(p.issuer);
    const start = await authorization(config, client);
    const callback = assertCodeRedirect(
      await signInAndConsent(browser, start.url, credentials(user)),
      client,
    );
    const tokens = await exchange(config, callback, start);
    const [oldAccessKid, oldIdKid] = [kidOf(tokens.access_token), kidOf(tokens.id_token!)];

    const newKid = await rotateKeys(p, clock);
    await clock.tick(KEY_RELOAD_MS + 5_000);

    assert.equal((await request(p.t, 'GET', '/v1/me', { token: tokens.access_token })).statusCode, 200);
    assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, true);
    const jwks = async () => (await (await fetch(`${p.issuer}/oauth/jwks`)).json()) as JSONWebKeySet;
    const published = (await jwks()).keys.map((k) => k.kid);
    assert.ok(published.includes(oldIdKid) && published.includes(oldAccessKid), 'the old keys still verify');
    assert.ok(published.includes(newKid));
    const verifyIdToken = async (idToken: string) =>
      jwtVerify(idToken, createLocalJWKSet(await jwks()), { issuer: p.issuer, audience: client.clientId });
    await verifyIdToken(tokens.id_token!);

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.equal(kidOf(refreshed.access_token), newKid);
    assert.notEqual(kidOf(refreshed.access_token), oldAccessKid);
    assert.ok(refreshed.id_token, 'openid was granted: the refresh brings an ID token');
    assert.notEqual(kidOf(refreshed.id_token), oldIdKid);
    assert.equal((await verifyIdToken(refreshed.id_token)).payload.sub, user.id);
    assert.equal((await request(p.t, 'GET', '/v1/me', { token: refreshed.access_token })).statusCode, 200);

    const again = await authorization(config, client, SCOPES);
    const code = assertCodeRedirect(await browser.go(again.url.href), client);
    const fresh = await exchange(config, code, again);
    assert.equal(kidOf(fresh.id_token!), kidOf(refreshed.id_token));
  });
});

describe('OpenID provider and the account lifecycle', () => {
  let p: Provider;
  let smtp: TestSmtpServer;
  let client: RegisteredClient;
  let config: oidc.Configuration;
  const bus = new InProcessEventBus();
  let operator: ReturnType<typeof operatorNode>;
  const taken = new Set<ReceivedMail>();

  before(async () => {
    smtp = await startSmtpServer();
    p = await startProvider({ env: { SMTP_URL: smtp.url }, overrides: { events: bus } });
    operator = operatorNode(p, bus);
    client = await registerClient(p);
    config = await discover(p, client);
  });
  after(async () => {
    await operator.stop();
    await p.close();
    await bus.close();
    await smtp.close();
  });

  /** The next mail to `to` with a matching subject that no earlier call returned. */
  async function takeMail(to: string, subject: RegExp): Promise<ReceivedMail> {
    const mail = await smtp.waitFor(
      (m) => !taken.has(m) && m.envelopeTo.includes(to) && subject.test(m.subject),
    );
    taken.add(mail);
    return mail;
  }

  /** A new user signed in through the hosted pages, consented, with the client's tokens. */
  async function signedIn(label: string) {
    const user = await account(p.t, { label });
    const browser = new Browser(p.issuer);
    const start = await authorization(config, client);
    const callback = assertCodeRedirect(
      await signInAndConsent(browser, start.url, credentials(user)),
      client,
    );
    const tokens = await exchange(config, callback, start);
    assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, true, 'live at first');
    return { user, browser, tokens };
  }

  /** The grant ended: both tokens read inactive, the refresh is refused, the browser must sign in again. */
  async function assertGrantEnded(browser: Browser, tokens: oidc.TokenEndpointResponse) {
    assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, false);
    assert.equal((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active, false);
    assert.equal((await request(p.t, 'GET', '/v1/me', { token: tokens.access_token })).statusCode, 401);
    await assertRefreshRefused(config, tokens.refresh_token!);
    assert.ok(isSignIn(await browser.go((await authorization(config, client, SCOPES)).url.href)));
  }

  it('a ban ends the grant: the access token introspects inactive, the refresh token is refused', async () => {
    const { user, browser, tokens } = await signedIn('banned');
    const banned = await operator.operator.banUser(CLI_PRINCIPAL, user.id);
    assert.equal(banned.status, 'banned');
    await assertGrantEnded(browser, tokens);
  });

  it('a password reset ends the grant', async () => {
    const { user, browser, tokens } = await signedIn('reset');
    const forgot = await request(p.t, 'POST', '/v1/password/forgot', { body: { email: user.email } });
    assert.equal(forgot.statusCode, 202, forgot.body);
    const code = codeOf(await takeMail(user.email, SUBJECT.reset));
    const reset = await request(p.t, 'POST', '/v1/password/reset', {
      body: { email: user.email, code, newPassword: freshPassword() },
    });
    assert.equal(reset.statusCode, 204, reset.body);
    await assertGrantEnded(browser, tokens);
  });

  it('a first-party client gets no consent page: the sign-in goes straight back with a code', async () => {
    const own = await registerClient(p, {
      name: 'Console',
      redirectUris: ['https://console.example/cb'],
      firstParty: true,
    });
    const ownConfig = await discover(p, own);
    const user = await account(p.t, { label: 'first-party' });
    const browser = new Browser(p.issuer);
    const start = await authorization(ownConfig, own);
    const back = await signIn(browser, await browser.go(start.url.href), user);
    const tokens = await exchange(ownConfig, assertCodeRedirect(back, own), start);
    assert.equal(tokens.claims()!.sub, user.id);
    assert.ok(tokens.refresh_token, 'every scope asked for was granted, offline_access too');
    // The same user and browser are asked by a third-party client.
    assert.ok(isConsent(await browser.go((await authorization(config, client, SCOPES)).url.href)));
  });

  it('a browser holding a live Roster session gets a code without any page', async () => {
    const user = await account(p.t, { label: 'session-cookie' });
    const first = new Browser(p.issuer);
    const start = await authorization(config, client, SCOPES);
    assertCodeRedirect(await signInAndConsent(first, start.url, credentials(user)), client);
    const session = first.cookies.get(BROWSER_COOKIE);
    assert.ok(session, 'the hosted sign-in left the Roster session cookie');

    // Only that cookie: none of the provider's own.
    const holder = new Browser(p.issuer);
    holder.cookies.set(BROWSER_COOKIE, session);
    const again = await authorization(config, client, SCOPES);
    const tokens = await exchange(config, assertCodeRedirect(await holder.go(again.url.href), client), again);
    assert.equal(tokens.claims()!.sub, user.id);

    // The provider's session alone is not enough: it follows the Roster one.
    const without = new Browser(p.issuer);
    for (const [name, value] of first.cookies) if (name !== BROWSER_COOKIE) without.cookies.set(name, value);
    assert.ok(isSignIn(await without.go((await authorization(config, client, SCOPES)).url.href)));
  });

  it('consent is remembered per client and scope set, across browsers', async () => {
    const user = await account(p.t, { label: 'consent' });
    const a = new Browser(p.issuer);
    const first = await authorization(config, client, SCOPES);
    const consented = await allow(a, await signIn(a, await a.go(first.url.href), user));
    assertCodeRedirect(consented, client);

    const b = new Browser(p.issuer);
    const same = await authorization(config, client, SCOPES);
    const back = await signIn(b, await b.go(same.url.href), user);
    const tokens = await exchange(config, assertCodeRedirect(back, client), same);
    assert.deepEqual(new Set(tokens.scope?.split(' ')), new Set(SCOPES.split(' ')));

    // One more allowed scope: asked again, for that scope only.
    const wider = await authorization(config, client, `${SCOPES} delegated:profile:read`);
    const page = await b.go(wider.url.href);
    assert.ok(isConsent(page), page.body.slice(0, 300));
    assert.ok(page.body.includes(en.signedInAs(user.email)), 'the consent page names the account consenting');
    assert.ok(page.body.includes(en.scopes['delegated:profile:read']!), 'the new scope is named');
    assert.ok(!page.body.includes(en.scopes.email!), 'a granted scope is not asked again');
    const more = await exchange(config, assertCodeRedirect(await allow(b, page), client), wider);
    assert.ok(more.scope?.split(' ').includes('delegated:profile:read'), more.scope);

    // prompt=consent asks again for what was granted, naming every scope asked for.
    const again = await authorization(config, client, SCOPES, { prompt: 'consent' });
    const asked = await b.go(again.url.href);
    assert.ok(isConsent(asked), 'prompt=consent shows the consent page');
    assert.ok(asked.body.includes(en.scopes.email!), 'the granted scopes are listed');
    assertCodeRedirect(await allow(b, asked), client);

    // Another client: its own consent.
    const other = await registerClient(p, { redirectUris: ['https://other.example/cb'] });
    const otherStart = await authorization(await discover(p, other), other, SCOPES);
    assert.ok(isConsent(await b.go(otherStart.url.href)));
  });

  /** A new user with TOTP turned on; its secret. */
  async function withTotp(label: string) {
    const user = await account(p.t, { label });
    const setup = await request(p.t, 'POST', '/v1/me/mfa/totp', { token: user.token });
    assert.equal(setup.statusCode, 200, setup.body);
    const secret = setup.json().secret as string;
    // The previous step's code (still within the window) turns it on, so the sign-in's code is unspent.
    const on = await request(p.t, 'POST', '/v1/me/mfa/totp/activate', {
      token: user.token,
      body: { code: totpCodeAt(secret, new Date(Date.now() - 30_000)), currentPassword: STRONG_PASSWORD },
    });
    assert.equal(on.statusCode, 200, on.body);
    return { user, secret };
  }

  /** Signs in with the password on the hosted page; asserts the second-factor page came next. */
  async function toSecondFactor(user: { email: string }, method: string) {
    const browser = new Browser(p.issuer);
    const start = await authorization(config, client);
    const challenge = await signIn(browser, await browser.go(start.url.href), user);
    assert.equal(challenge.status, 200);
    assert.ok(isMfa(challenge), `the second-factor page: ${challenge.body.slice(0, 300)}`);
    assert.ok(!isSignIn(challenge) && !isConsent(challenge));
    const form = formOf(challenge, '/mfa');
    assert.ok(form.fields.mfaToken, 'the pending sign-in');
    assert.ok((form.fields.methods ?? '').split(' ').includes(method), form.fields.methods);
    return { browser, start, challenge, form };
  }

  it('with TOTP on, the hosted sign-in asks for the code and the right one goes on to consent', async () => {
    const { user, secret } = await withTotp('totp');
    const { browser, start, form } = await toSecondFactor(user, 'totp');
    const code = totpCodeAt(secret, new Date());
    const next = await browser.go(form.action, { form: { ...form.fields, method: 'totp', code } });
    const tokens = await exchange(config, assertCodeRedirect(await allow(browser, next), client), start);
    const claims = tokens.claims()!;
    assert.equal(claims.sub, user.id);
    // The ID token names both factors, so a client can tell that a second one was asked.
    assert.deepEqual(claims.amr, ['pwd', 'otp', 'mfa']);
    assert.equal((await request(p.t, 'GET', '/v1/me', { token: tokens.access_token })).statusCode, 200);
  });

  it('a wrong TOTP code shows the second-factor page again with the error, and the right one then goes on', async () => {
    const { user, secret } = await withTotp('totp-wrong');
    const { browser, start, form } = await toSecondFactor(user, 'totp');
    const code = totpCodeAt(secret, new Date());
    const wrong = await browser.go(form.action, {
      form: { ...form.fields, method: 'totp', code: wrongCode(code) },
    });
    assert.equal(wrong.status, 401);
    assert.ok(
      isMfa(wrong),
      `the second-factor page again, not ${isSignIn(wrong) ? 'the sign-in page' : wrong.body}`,
    );
    assert.ok(wrong.body.includes(en.wrongCode), 'with the error');
    const retry = formOf(wrong, '/mfa');
    assert.equal(retry.fields.mfaToken, form.fields.mfaToken, 'the same pending sign-in');
    const next = await browser.go(retry.action, { form: { ...retry.fields, method: 'totp', code } });
    const tokens = await exchange(config, assertCodeRedirect(await allow(browser, next), client), start);
    assert.equal(tokens.claims()!.sub, user.id);
  });

  it('with the email factor on, the hosted sign-in mails a code and goes on with it', async () => {
    const user = await account(p.t, { label: 'email-factor' });
    const requested = await request(p.t, 'POST', '/v1/me/mfa/email', { token: user.token });
    assert.equal(requested.statusCode, 202, requested.body);
    const setupCode = /(\d{6})/.exec((await takeMail(user.email, /security code$/)).text)![1]!;
    const on = await request(p.t, 'POST', '/v1/me/mfa/email/activate', {
      token: user.token,
      body: { code: setupCode, currentPassword: STRONG_PASSWORD },
    });
    assert.equal(on.statusCode, 200, on.body);

    const { browser, start, challenge } = await toSecondFactor(user, 'email');
    const send = formOf(challenge, '/mfa/email');
    const sent = await browser.go(send.action, { form: send.fields });
    assert.equal(sent.status, 200, sent.body.slice(0, 300));
    assert.ok(isMfa(sent));
    const code = /(\d{6})/.exec((await takeMail(user.email, /code/i)).text)![1]!;
    const form = formOf(sent, '/mfa');
    const next = await browser.go(form.action, { form: { ...form.fields, method: 'email', code } });
    const tokens = await exchange(config, assertCodeRedirect(await allow(browser, next), client), start);
    assert.equal(tokens.claims()!.sub, user.id);
    const { amr } = tokens.claims()!;
    assert.ok((amr as string[]).includes('mfa'), 'two factors');
  });
});
