// The provider against the attacks of RFC 9700 and recent auth-server CVE
// classes: redirect URI look-alikes, PKCE downgrades, code replay and
// substitution, refresh-token replay, cross-client introspection, forged
// consent, framing; and grants ending with the account's sessions.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { request } from '../helpers/client.ts';
import { account, STRONG_PASSWORD } from '../helpers/factories.ts';
import {
  authorization,
  Browser,
  discover,
  exchangeCode,
  formOf,
  type Provider,
  type RegisteredClient,
  registerClient,
  type Start,
  signInAndConsent,
  startProvider,
} from '../helpers/oidc.ts';

describe('OpenID provider security cases', () => {
  let p: Provider;
  let client: RegisteredClient;
  let config: oidc.Configuration;
  before(async () => {
    p = await startProvider();
    client = await registerClient(p);
    config = await discover(p, client);
  });
  after(() => p.close());

  /** A signed-in browser's redirect back to the client, with a code. */
  async function codeFor(label: string, extra: Record<string, string> = {}) {
    const user = await account(p.t, { label });
    const browser = new Browser(p.issuer);
    const start = await authorization(config, client, undefined, extra);
    const back = await signInAndConsent(browser, start.url, {
      identifier: user.email,
      password: STRONG_PASSWORD,
    });
    assert.equal(back.status, 303, back.body.slice(0, 300));
    return { user, browser, start, callback: new URL(back.url) };
  }

  const exchange = (callback: URL, start: Start) => exchangeCode(config, callback, start);

  /** A raw token request (what openid-client would refuse to send). */
  async function tokenRequest(form: Record<string, string>, secret = client.secret) {
    const res = await fetch(`${p.issuer}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}`,
      },
      body: new URLSearchParams(form),
    });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  }

  it('refuses redirect URIs that only look like the registered one, without redirecting', async () => {
    const registered = client.redirectUri; // https://app.example/callback
    const lookalikes = [
      `${registered}/`,
      'https://APP.example/callback',
      'https://app.example/Callback',
      'https://app.example:8443/callback',
      `${registered}/../evil`,
      `${registered}x`,
      'https://app.example//callback',
      '//app.example/callback',
      'https://evil@app.example/callback',
      `${registered}?next=https://evil.example`,
      'https://app.example.evil.example/callback',
    ];
    for (const redirectUri of lookalikes) {
      const start = await authorization(config, client, 'openid', { redirect_uri: redirectUri });
      const res = await fetch(start.url, { redirect: 'manual' });
      assert.equal(res.status, 400, redirectUri);
      assert.equal(res.headers.get('location'), null, `no redirect for ${redirectUri}`);
      assert.match(await res.text(), /invalid_redirect_uri|redirect_uri/, redirectUri);
    }
  });

  it('requires PKCE with S256 and the right verifier', async () => {
    const base = await authorization(config, client, 'openid');
    const without = new URL(base.url);
    without.searchParams.delete('code_challenge');
    without.searchParams.delete('code_challenge_method');
    const plain = new URL(base.url);
    plain.searchParams.set('code_challenge_method', 'plain');
    plain.searchParams.set('code_challenge', base.verifier);
    for (const url of [without, plain]) {
      const res = await fetch(url, { redirect: 'manual' });
      // Refused back to the client (its redirect URI is known good), never reaching the sign-in page.
      const location = res.headers.get('location') ?? '';
      assert.ok(location.startsWith(client.redirectUri), location);
      assert.equal(new URL(location).searchParams.get('error'), 'invalid_request');
    }
    const { callback, start } = await codeFor('pkce-wrong');
    const wrong = await tokenRequest({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code')!,
      redirect_uri: client.redirectUri,
      code_verifier: oidc.randomPKCECodeVerifier(),
    });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'invalid_grant');
    void start;
  });

  it('a code works once; using it again revokes what it issued', async () => {
    const { callback, start, user } = await codeFor('code-twice');
    const tokens = await exchange(callback, start);
    const me = await request(p.t, 'GET', '/v1/me', { token: tokens.access_token });
    assert.equal(me.statusCode, 200);
    const replay = await tokenRequest({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code')!,
      redirect_uri: client.redirectUri,
      code_verifier: start.verifier,
    });
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, 'invalid_grant');
    const after = await request(p.t, 'GET', '/v1/me', { token: tokens.access_token });
    assert.equal(after.statusCode, 401, 'the replay revoked the grant');
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!));
    void user;
  });

  it('a code is bound to its client and redirect URI', async () => {
    const other = await registerClient(p, { redirectUris: ['https://other.example/cb'] });
    const { callback, start } = await codeFor('code-bound');
    const code = callback.searchParams.get('code')!;
    const asOther = await tokenRequest(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: client.redirectUri,
        code_verifier: start.verifier,
      },
      other.secret,
    );
    // Basic auth names `client`'s id with the other's secret: the client fails to authenticate.
    assert.equal(asOther.status, 401);
    const otherAuth = await fetch(`${p.issuer}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${other.clientId}:${other.secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: other.redirectUri,
        code_verifier: start.verifier,
      }),
    });
    assert.equal(otherAuth.status, 400);
    assert.equal(((await otherAuth.json()) as { error: string }).error, 'invalid_grant');
    const wrongUri = await tokenRequest({
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://app.example/other',
      code_verifier: start.verifier,
    });
    assert.equal(wrongUri.status, 400);
  });

  it('a refresh token replayed after its rotation revokes the grant', async () => {
    const { callback, start } = await codeFor('refresh-replay');
    const first = await exchange(callback, start);
    const second = await oidc.refreshTokenGrant(config, first.refresh_token!);
    await assert.rejects(oidc.refreshTokenGrant(config, first.refresh_token!), 'the old one is spent');
    await assert.rejects(oidc.refreshTokenGrant(config, second.refresh_token!), 'and the grant with it');
    const me = await request(p.t, 'GET', '/v1/me', { token: second.access_token });
    assert.equal(me.statusCode, 401);
  });

  it("a client cannot introspect another client's tokens, nor without its secret", async () => {
    const { callback, start } = await codeFor('introspect-other');
    const tokens = await exchange(callback, start);
    const other = await registerClient(p, { redirectUris: ['https://third.example/cb'] });
    const otherConfig = await discover(p, other);
    assert.equal((await oidc.tokenIntrospection(otherConfig, tokens.access_token)).active, false);
    assert.equal((await oidc.tokenIntrospection(otherConfig, tokens.refresh_token!)).active, false);
    assert.equal((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active, true);
    const anonymous = await fetch(`${p.issuer}/oauth/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: tokens.access_token,
        client_id: client.clientId,
        client_secret: 'wrong',
      }),
    });
    assert.equal(anonymous.status, 401);
  });

  it('consent cannot be forged without the CSRF token, and the pages cannot be framed', async () => {
    const user = await account(p.t, { label: 'csrf' });
    const browser = new Browser(p.issuer);
    const start = await authorization(config, client);
    let page = await browser.go(start.url.href);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.doesNotMatch(page.headers.get('content-security-policy') ?? '', /script-src|unsafe/);
    const login = formOf(page, '/login');
    page = await browser.go(login.action, {
      form: { ...login.fields, identifier: user.email, password: STRONG_PASSWORD },
    });
    assert.match(page.body, /value="allow"/);
    const consent = formOf(page, '/consent');
    const forgeries: Record<string, string>[] = [
      { decision: 'allow' },
      { _csrf: 'forged', decision: 'allow' },
    ];
    for (const forged of forgeries) {
      const res = await browser.go(consent.action, { form: forged });
      // No token: the form is malformed (400); a wrong one: 403. Either way a page, no redirect.
      assert.equal(res.status, '_csrf' in forged ? 403 : 400, JSON.stringify(forged));
      assert.equal(res.headers.get('location'), null);
    }
    const real = await browser.go(consent.action, { form: { ...consent.fields, decision: 'allow' } });
    assert.equal(real.status, 303);
    assert.ok(new URL(real.url).searchParams.get('code'));
  });

  it('a wrong password reads the same whether the account exists or not', async () => {
    const user = await account(p.t, { label: 'same-page' });
    const attempt = async (identifier: string) => {
      const browser = new Browser(p.issuer);
      const page = await browser.go((await authorization(config, client)).url.href);
      const form = formOf(page, '/login');
      const res = await browser.go(form.action, {
        form: { ...form.fields, identifier, password: 'wrong password 123' },
      });
      return {
        status: res.status,
        // Less what differs between any two sign-ins: the nonce, the form values, the interaction's id.
        body: res.body
          .replace(/nonce="[^"]+"|value="[^"]*"|action="[^"]*"/g, '')
          .replace(/interaction[/=][A-Za-z0-9_-]+/g, 'interaction'),
      };
    };
    const known = await attempt(user.email);
    const unknown = await attempt(user.email.replace('@', '-nobody@'));
    assert.equal(known.status, 401);
    assert.equal(unknown.status, known.status);
    assert.equal(unknown.body, known.body);
  });

  it('signing out everywhere or deleting the account ends the grant and its tokens', async () => {
    const first = await codeFor('grant-end');
    const tokens = await exchange(first.callback, first.start);
    const session = await request(p.t, 'POST', '/v1/sessions', {
      body: { identifier: first.user.email, password: STRONG_PASSWORD },
    });
    const native = session.json().accessToken as string;
    const list = await request(p.t, 'GET', '/v1/me/authorizations', { token: native });
    assert.equal(list.statusCode, 200);
    assert.deepEqual(
      list.json().items.map((a: { clientId: string }) => a.clientId),
      [client.clientId],
    );
    const everywhere = await request(p.t, 'DELETE', '/v1/sessions', { token: native });
    assert.equal(everywhere.statusCode, 204, everywhere.body);
    assert.equal((await request(p.t, 'GET', '/v1/me', { token: tokens.access_token })).statusCode, 401);
    assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, false);
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token!));

    const second = await codeFor('grant-erase');
    const more = await exchange(second.callback, second.start);
    const signedIn = await request(p.t, 'POST', '/v1/sessions', {
      body: { identifier: second.user.email, password: STRONG_PASSWORD },
    });
    const erased = await request(p.t, 'DELETE', '/v1/me', {
      token: signedIn.json().accessToken,
      body: { password: STRONG_PASSWORD },
    });
    assert.equal(erased.statusCode, 204, erased.body);
    assert.equal((await oidc.tokenIntrospection(config, more.access_token)).active, false);
    const rows = await p.t.db.database.db
      .selectFrom('oauth_store')
      .select('model')
      .where('account_id', '=', second.user.id)
      .execute();
    assert.deepEqual(rows, [], 'erasure leaves no grant, session or token of the user');
  });

  it('the user removes an app: its tokens stop at once', async () => {
    const { callback, start, user } = await codeFor('remove-app');
    const tokens = await exchange(callback, start);
    const native = (
      await request(p.t, 'POST', '/v1/sessions', {
        body: { identifier: user.email, password: STRONG_PASSWORD },
      })
    ).json().accessToken as string;
    const removed = await request(p.t, 'DELETE', `/v1/me/authorizations/${client.clientId}`, {
      token: native,
    });
    assert.equal(removed.statusCode, 204);
    assert.equal((await request(p.t, 'GET', '/v1/me', { token: tokens.access_token })).statusCode, 401);
    const again = await request(p.t, 'DELETE', `/v1/me/authorizations/${client.clientId}`, { token: native });
    assert.equal(again.statusCode, 404);
  });

  it('removing a client ends every grant it holds, whoever granted it', async () => {
    const doomed = await registerClient(p, {
      name: 'Doomed App',
      redirectUris: ['https://doomed.example/cb'],
    });
    const doomedConfig = await discover(p, doomed);
    const grantFor = async (label: string) => {
      const user = await account(p.t, { label });
      const start = await authorization(doomedConfig, doomed);
      const back = await signInAndConsent(new Browser(p.issuer), start.url, {
        identifier: user.email,
        password: STRONG_PASSWORD,
      });
      return exchangeCode(doomedConfig, new URL(back.url), start);
    };
    const first = await grantFor('doomed-a');
    const second = await grantFor('doomed-b');
    const other = await codeFor('kept');
    const kept = await exchange(other.callback, other.start);
    for (const t of [first, second])
      assert.equal((await request(p.t, 'GET', '/v1/me', { token: t.access_token })).statusCode, 200);

    const removed = await request(p.t, 'DELETE', `/v1/admin/oauth-clients/${doomed.clientId}`, {
      token: p.adminToken,
    });
    assert.equal(removed.statusCode, 204);
    for (const t of [first, second])
      assert.equal((await request(p.t, 'GET', '/v1/me', { token: t.access_token })).statusCode, 401);
    const live = await p.t.db.database.db
      .selectFrom('sessions')
      .select('id')
      .where('client_id', '=', doomed.clientId)
      .where('revoked_at', 'is', null)
      .execute();
    assert.deepEqual(live, [], 'no session of the removed client is left');
    // Another client's grant is untouched.
    assert.equal((await request(p.t, 'GET', '/v1/me', { token: kept.access_token })).statusCode, 200);
  });
});
