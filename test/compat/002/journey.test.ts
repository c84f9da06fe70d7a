// The document's token journey: POST /user/login sets the cookie session; an
// authorization request (PKCE) from the browser holding that cookie returns a
// code without a sign-in page; POST /oauth/token exchanges it for tokens
// carrying the `delegated:*` scopes asked for. Logout all ends those tokens
// too; a token without a route's scope is refused in the seed's shape.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type * as oidc from 'openid-client';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { freshEmail } from '../../helpers/factories.ts';
import {
  authorization,
  Browser,
  discover,
  exchangeCode,
  type Provider,
  type RegisteredClient,
  registerClient,
  startProvider,
} from '../../helpers/oidc.ts';
import { CREATE_SAMPLE, dataOf, LOGIN_SAMPLE, ok, refused, sessionCookieOf, withCookie } from './seed-002.ts';

const SCOPE = 'openid delegated:profile:read delegated:social:follow:read';

describe(`seed 002 token journey (${testDialect})`, () => {
  let p: Provider;
  let client: RegisteredClient;
  let config: oidc.Configuration;
  before(async () => {
    p = await startProvider();
    // First-party: the operator's own app, so no consent page either.
    client = await registerClient(p, {
      firstParty: true,
      scopes: ['openid', 'offline_access', 'delegated:profile:read', 'delegated:social:follow:read'],
    });
    config = await discover(p, client);
  });
  after(() => p.close());

  let n = 0;
  /** A user made and signed in through the surface; the browser holds the login's cookie. */
  async function signedInBrowser() {
    n += 1;
    const user = {
      ...CREATE_SAMPLE,
      phoneCountryCode: '+1',
      phone: '4155552671',
      username: `journey_${n}_x`,
      email: freshEmail('journey'),
    };
    ok(await request(p.t, 'POST', '/user/create', { body: user }));
    const res = await request(p.t, 'POST', '/user/login', { body: { ...LOGIN_SAMPLE, ...user } });
    const { user: seen } = dataOf(res);
    const cookie = sessionCookieOf(res);
    assert.ok(cookie);
    const browser = new Browser(p.issuer);
    browser.cookies.set('roster_session', cookie.value);
    return { id: seen._id as string, cookie: cookie.value, browser };
  }

  it('the login cookie answers /oauth/authorize with a code, no page shown; the code buys delegated tokens', async () => {
    const { id, browser } = await signedInBrowser();
    const start = await authorization(config, client, SCOPE);
    const back = await browser.go(String(start.url));
    assert.equal(back.status, 303, `redirected straight back, not a page: ${back.body.slice(0, 200)}`);
    const callback = new URL(back.url);
    assert.equal(`${callback.origin}${callback.pathname}`, client.redirectUri);
    assert.ok(callback.searchParams.get('code'));
    const tokens = await exchangeCode(config, callback, start);
    assert.deepEqual(new Set(tokens.scope?.split(' ')), new Set(SCOPE.split(' ')));
    assert.equal(tokens.claims()?.sub, id);
    const me = await request(p.t, 'GET', '/v1/me', { token: tokens.access_token });
    assert.equal(me.statusCode, 200, me.body);
    assert.equal(me.json().id, id);
  });

  it('a token without a route’s scope is refused in the seed’s shape; logout-all ends the OAuth tokens too', async () => {
    const { cookie, browser } = await signedInBrowser();
    const start = await authorization(config, client, 'openid offline_access delegated:profile:read');
    const tokens = await exchangeCode(config, new URL((await browser.go(String(start.url))).url), start);
    assert.ok(tokens.refresh_token);
    const denied = await request(p.t, 'POST', '/user/logout', { token: tokens.access_token });
    refused(denied, 403, 'insufficient_scope');
    assert.match(String(denied.headers['www-authenticate']), /insufficient_scope/);
    assert.equal((await request(p.t, 'GET', '/v1/me', { token: tokens.access_token })).statusCode, 200);
    // With a live cookie beside it, logout ends the browser's session and the token's alike.
    const app = await signedInBrowser();
    const appStart = await authorization(config, client, 'openid delegated:profile:read');
    const appTokens = await exchangeCode(
      config,
      new URL((await app.browser.go(String(appStart.url))).url),
      appStart,
    );
    ok(
      await request(p.t, 'POST', '/user/logout', {
        token: appTokens.access_token,
        headers: withCookie(app.cookie),
      }),
    );
    refused(
      await request(p.t, 'GET', '/user/me', { headers: withCookie(app.cookie) }),
      401,
      'unauthenticated',
    );
    assert.equal((await request(p.t, 'GET', '/v1/me', { token: appTokens.access_token })).statusCode, 401);
    // A dead cookie beside a token: the token decides (here, without the scope: refused, nothing ends).
    refused(
      await request(p.t, 'POST', '/user/logout', {
        token: tokens.access_token,
        headers: withCookie(app.cookie),
      }),
      403,
      'insufficient_scope',
    );
    assert.equal((await request(p.t, 'GET', '/v1/me', { token: tokens.access_token })).statusCode, 200);
    ok(await request(p.t, 'POST', '/user/logout-all', { headers: withCookie(cookie) }));
    assert.equal((await request(p.t, 'GET', '/v1/me', { token: tokens.access_token })).statusCode, 401);
    const refreshed = await fetch(`${p.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token!,
        client_id: client.clientId,
        ...(client.secret ? { client_secret: client.secret } : {}),
      }),
    });
    assert.equal(refreshed.status, 400, await refreshed.text());
    // The browser is signed out too: the next authorization request shows the sign-in page.
    const again = await browser.go(String((await authorization(config, client, SCOPE)).url));
    assert.equal(again.status, 200);
    assert.match(again.body, /name="password"/);
  });
});
