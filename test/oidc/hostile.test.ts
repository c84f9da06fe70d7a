// What a hostile caller tried against the provider and its pages, each kept
// as a test: another spelling of a path Roster answers itself, sender-bound
// tokens nobody checks, a live session standing in for a fresh sign-in, a
// native app consenting silently, malformed input answered with a 500, a
// forged Host header, the provider's auto-submitting pages under the CSP,
// another account signing in over an earlier one, the device cookie on the
// hosted sign-in, and a consent for a client removed meanwhile.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { request } from '../helpers/client.ts';
import { account, STRONG_PASSWORD } from '../helpers/factories.ts';
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
import { assertCodeRedirect, isConsent, isSignIn } from '../helpers/oidc-lifecycle.ts';

const SCOPES = 'openid profile email delegated:profile:read';

describe('OpenID provider against a hostile caller', () => {
  let p: Provider;
  let client: RegisteredClient;
  let config: oidc.Configuration;
  before(async () => {
    p = await startProvider();
    client = await registerClient(p);
    config = await discover(p, client);
  });
  after(() => p.close());

  const credentials = (user: { email: string }) => ({ identifier: user.email, password: STRONG_PASSWORD });

  /** A browser signed in (and consented) for `client` as a new user. */
  async function signedInBrowser(label: string) {
    const user = await account(p.t, { label });
    const browser = new Browser(p.issuer);
    const start = await authorization(config, client, SCOPES);
    assertCodeRedirect(await signInAndConsent(browser, start.url, credentials(user)), client);
    return { user, browser };
  }

  async function tokensFor(label: string) {
    const user = await account(p.t, { label });
    const start = await authorization(config, client);
    const back = await signInAndConsent(new Browser(p.issuer), start.url, credentials(user));
    return exchangeCode(config, new URL(back.url), start);
  }

  it('another spelling of /oauth/introspect or /oauth/userinfo never reaches the library', async () => {
    const tokens = await tokensFor('spelling');
    const other = await registerClient(p, { redirectUris: ['https://other.example/cb'] });
    const basic = `Basic ${Buffer.from(`${other.clientId}:${other.secret}`).toString('base64')}`;
    for (const path of ['/oauth/introspect/', '/oauth/INTROSPECT', '/oauth/Introspect//']) {
      const res = await fetch(`${p.issuer}${path}`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: tokens.refresh_token! }),
      });
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(await res.text(), /"active":true/);
    }
    const userinfo = await fetch(`${p.issuer}/oauth/userinfo/`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(userinfo.status, 404);
  });

  it('issues no DPoP-bound token, since nothing would check the proof', async () => {
    const meta = (await (await fetch(`${p.issuer}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    assert.equal(meta.dpop_signing_alg_values_supported, undefined);
  });

  it('prompt=login and max_age ask for the password again, though the browser holds a live session', async () => {
    const { browser } = await signedInBrowser('fresh');
    for (const extra of [{ prompt: 'login' }, { max_age: '0' }] as Record<string, string>[]) {
      const start = await authorization(config, client, SCOPES, extra);
      const page = await browser.go(start.url.href);
      assert.ok(isSignIn(page), `${JSON.stringify(extra)}: ${page.status} ${page.body.slice(0, 200)}`);
    }
    // Without them the session answers.
    const plain = await authorization(config, client, SCOPES);
    assertCodeRedirect(await browser.go(plain.url.href), client);
  });

  it('a native app is asked for consent every time (any app may claim its redirect URI)', async () => {
    const native = await registerClient(p, { redirectUris: ['com.example.app:/cb'], public: true });
    const nativeConfig = await discover(p, native);
    const user = await account(p.t, { label: 'native' });
    const browser = new Browser(p.issuer);
    const first = await authorization(nativeConfig, native, SCOPES);
    const back = await signInAndConsent(browser, first.url, credentials(user));
    assert.ok(back.url.startsWith('com.example.app:/cb?code='), back.url);
    const second = await authorization(nativeConfig, native, SCOPES);
    const page = await browser.go(second.url.href);
    assert.ok(isConsent(page), `${page.status} ${page.body.slice(0, 200)}`);
  });

  it('malformed input gets a page or an OAuth error, never a 500', async () => {
    const browser = new Browser(p.issuer);
    const start = await authorization(config, client, SCOPES);
    const signIn = formOf(await browser.go(start.url.href), '/login');
    const nul = await browser.go(signIn.action, {
      form: { ...signIn.fields, identifier: 'a\u0000', password: 'x' },
    });
    assert.equal(nul.status, 400);
    assert.match(nul.headers.get('content-type') ?? '', /text\/html/);
    for (const path of ['/forgot-password?interaction=%ED%A0%80', '/verify-email?token=a%00']) {
      const page = await browser.go(path);
      assert.equal(page.status, 400, path);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/, path);
    }
    const introspect = await fetch(`${p.issuer}/oauth/introspect`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'token=a%00',
    });
    assert.equal(introspect.status, 400);
    assert.equal(((await introspect.json()) as { error: string }).error, 'invalid_request');
    const big = await fetch(`${p.issuer}/oauth/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${'a'.repeat(20_000)}`,
    });
    assert.equal(big.status, 413);
    const userinfo = await fetch(`${p.issuer}/oauth/userinfo?x=%00`);
    assert.ok([400, 401].includes(userinfo.status), String(userinfo.status));
    assert.ok(((await userinfo.json()) as { error?: string }).error);
  });

  it('a forged Host header changes no URL the provider publishes', async () => {
    const res = await fetch(`${p.issuer}/.well-known/openid-configuration`, {
      headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    });
    const meta = (await res.json()) as Record<string, unknown>;
    for (const key of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint'])
      assert.ok(String(meta[key]).startsWith(`${p.issuer}/`), `${key}: ${meta[key]}`);
  });

  it('a form_post response runs its one script under the policy, and nothing else may', async () => {
    const user = await account(p.t, { label: 'form-post' });
    const browser = new Browser(p.issuer);
    const start = await authorization(config, client, SCOPES, { response_mode: 'form_post' });
    const page = await signInAndConsent(browser, start.url, credentials(user));
    assert.equal(page.status, 200);
    assert.match(page.body, new RegExp(`action="${client.redirectUri}"`));
    const script = /<script>([\s\S]*?)<\/script>/.exec(page.body)?.[1];
    assert.ok(script, 'the auto-submit script');
    const csp = page.headers.get('content-security-policy') ?? '';
    const digest = createHash('sha256').update(script).digest('base64');
    assert.match(csp, new RegExp(`script-src [^;]*'sha256-${digest.replace(/[+/]/g, '\\$&')}'`));
    assert.doesNotMatch(csp, /unsafe-inline|script-src[^;]*\*/);
  });

  it('another account signing in over an earlier one keeps its own Roster session', async () => {
    const { browser } = await signedInBrowser('first-account');
    const bob = await account(p.t, { label: 'second-account' });
    const start = await authorization(config, client, SCOPES, { prompt: 'login' });
    const signIn = formOf(await browser.go(start.url.href), '/login');
    let page: Page = await browser.go(signIn.action, { form: { ...signIn.fields, ...credentials(bob) } });
    // The provider first signs its earlier session out, with a form that posts itself.
    const logout = formOf(page, '/oauth/logout/confirm');
    page = await browser.go(logout.action, { form: logout.fields });
    if (isConsent(page)) {
      const consent = formOf(page, '/consent');
      page = await browser.go(consent.action, { form: { ...consent.fields, decision: 'allow' } });
    }
    const callback = assertCodeRedirect(page, client);
    const tokens = await exchangeCode(config, callback, start);
    assert.equal(tokens.claims()!.sub, bob.id);
    // Bob's Roster session survived the provider's sign-out: the next request needs no page.
    const next = await authorization(config, client, SCOPES);
    assertCodeRedirect(await browser.go(next.url.href), client);
  });

  it('the hosted sign-in sets the device cookie for its own forms', async () => {
    const user = await account(p.t, { label: 'device' });
    const browser = new Browser(p.issuer);
    const start = await authorization(config, client, SCOPES);
    const signIn = formOf(await browser.go(start.url.href), '/login');
    const res = await browser.fetch(signIn.action, { form: { ...signIn.fields, ...credentials(user) } });
    const device = res.headers.getSetCookie().find((c) => c.startsWith('roster_device='));
    assert.ok(device, 'a device cookie');
    assert.match(device, /Path=\/oauth\/interaction(;|$)/);
  });

  it('consent for a client removed while its page was open opens no grant', async () => {
    const temp = await registerClient(p, { redirectUris: ['https://temp.example/cb'] });
    const user = await account(p.t, { label: 'temp' });
    const browser = new Browser(p.issuer);
    const start = await authorization(await discover(p, temp), temp, SCOPES);
    const signIn = formOf(await browser.go(start.url.href), '/login');
    const consentPage = await browser.go(signIn.action, { form: { ...signIn.fields, ...credentials(user) } });
    assert.ok(isConsent(consentPage));
    const removed = await request(p.t, 'DELETE', `/v1/admin/oauth-clients/${temp.clientId}`, {
      token: p.adminToken,
    });
    assert.equal(removed.statusCode, 204);
    const consent = formOf(consentPage, '/consent');
    const page = await browser.go(consent.action, { form: { ...consent.fields, decision: 'allow' } });
    assert.equal(page.status, 400);
    const listed = await request(p.t, 'GET', '/v1/me/authorizations', { token: user.token });
    assert.deepEqual(listed.json().items, []);
  });
});
