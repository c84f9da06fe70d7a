// A real relying party (openid-client) against Roster's provider: discovery,
// the authorization code flow with PKCE through the hosted pages, the token
// exchange, userinfo, refresh, revocation and logout; on both dialects.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { request } from '../helpers/client.ts';
import { account, STRONG_PASSWORD } from '../helpers/factories.ts';
import {
  authorization,
  Browser,
  discover,
  formOf,
  type Provider,
  registerClient,
  signInAndConsent,
  startProvider,
} from '../helpers/oidc.ts';

describe('OpenID provider with a real relying party', () => {
  let p: Provider;
  before(async () => {
    p = await startProvider();
  });
  after(() => p.close());

  it('publishes discovery with the issuer, every scope, PKCE S256 and RS256 ID tokens', async () => {
    const res = await fetch(`${p.issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const meta = (await res.json()) as Record<string, string> & {
      code_challenge_methods_supported: string[];
      response_types_supported: string[];
      id_token_signing_alg_values_supported: string[];
      scopes_supported: string[];
      authorization_response_iss_parameter_supported: boolean;
    };
    assert.equal(meta.issuer, p.issuer);
    assert.equal(meta.authorization_endpoint, `${p.issuer}/oauth/authorize`);
    assert.equal(meta.token_endpoint, `${p.issuer}/oauth/token`);
    assert.equal(meta.introspection_endpoint, `${p.issuer}/oauth/introspect`);
    assert.equal(meta.userinfo_endpoint, `${p.issuer}/oauth/userinfo`);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(meta.response_types_supported, ['code']);
    assert.ok(meta.id_token_signing_alg_values_supported.includes('RS256'));
    assert.equal(meta.authorization_response_iss_parameter_supported, true);
    for (const scope of [
      'openid',
      'profile',
      'email',
      'phone',
      'offline_access',
      'delegated:profile:read',
      'delegated:social:follow:write',
      'admin:profile:write',
    ])
      assert.ok(meta.scopes_supported.includes(scope), scope);
    const jwks = (await (await fetch(String(meta.jwks_uri))).json()) as {
      keys: { kty: string; crv?: string; d?: string }[];
    };
    const kinds = new Set(jwks.keys.map((k: { kty: string; crv?: string }) => k.crv ?? k.kty));
    assert.ok(kinds.has('RSA') && kinds.has('Ed25519'), JSON.stringify([...kinds]));
    assert.ok(
      jwks.keys.every((k) => k.d === undefined),
      'no private part',
    );
    // Roster's own document still answers, now that the provider made its RSA key: the access-token keys.
    const native = await fetch(`${p.issuer}/.well-known/jwks.json`);
    assert.equal(native.status, 200);
    const nativeKeys = ((await native.json()) as { keys: { crv?: string }[] }).keys;
    assert.ok(
      nativeKeys.length > 0 && nativeKeys.every((k) => k.crv === 'Ed25519'),
      JSON.stringify(nativeKeys),
    );
  });

  it('signs a user in through the hosted pages and hands the client tokens that work', async () => {
    const client = await registerClient(p);
    const config = await discover(p, client);
    const user = await account(p.t, {
      label: 'rp-user',
      username: 'rp_user_one',
      profile: { name: { first: 'Ada', last: 'Lovelace' } },
    });
    const browser = new Browser(p.issuer);
    const start = await authorization(config, client);
    const back = await signInAndConsent(browser, start.url, {
      identifier: user.email,
      password: STRONG_PASSWORD,
    });
    assert.equal(back.status, 303, back.body);
    const callback = new URL(back.url);
    assert.equal(callback.origin + callback.pathname, client.redirectUri);
    assert.equal(callback.searchParams.get('iss'), p.issuer, 'RFC 9207');
    assert.equal(callback.searchParams.get('state'), start.state);

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: start.verifier,
      expectedState: start.state,
      expectedNonce: start.nonce,
    });
    const claims = tokens.claims()!;
    assert.equal(claims.sub, user.id);
    assert.equal(claims.nonce, start.nonce);
    assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
    assert.equal(tokens.access_token.split('.').length, 3, 'a JWT access token');
    const header = JSON.parse(Buffer.from(tokens.access_token.split('.')[0]!, 'base64url').toString());
    assert.equal(header.typ, 'at+jwt');

    const info = await oidc.fetchUserInfo(config, tokens.access_token, user.id);
    assert.equal(info.email, user.email);
    assert.equal(info.given_name, 'Ada');
    assert.equal(info.phone_number, undefined, 'phone was not granted');

    // The native API takes the token, within its scope.
    const me = await request(p.t, 'GET', '/v1/me', { token: tokens.access_token });
    assert.equal(me.statusCode, 200, me.body);
    assert.equal(me.json().id, user.id);
    const patch = await request(p.t, 'PATCH', '/v1/me', { token: tokens.access_token, body: { bio: 'x' } });
    assert.equal(patch.statusCode, 403, patch.body);
    assert.equal(patch.json().code, 'insufficient_scope');

    // Introspection answers for the JWT and the refresh token.
    const active = await oidc.tokenIntrospection(config, tokens.access_token);
    assert.equal(active.active, true);
    assert.equal(active.client_id, client.clientId);
    assert.equal(active.sub, user.id);

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token, 'rotated');
    const again = await request(p.t, 'GET', '/v1/me', { token: refreshed.access_token });
    assert.equal(again.statusCode, 200);

    await oidc.tokenRevocation(config, refreshed.refresh_token!);
    await assert.rejects(oidc.refreshTokenGrant(config, refreshed.refresh_token!));
    const afterRevoke = await request(p.t, 'GET', '/v1/me', { token: refreshed.access_token });
    assert.equal(afterRevoke.statusCode, 401, 'the grant ended: its access tokens too');
    assert.equal((await oidc.tokenIntrospection(config, refreshed.access_token)).active, false);

    // RP-initiated logout: the confirmation page, then back to the client.
    const logoutUrl = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'https://app.example/signed-out',
    });
    const confirm = await browser.go(logoutUrl.href);
    assert.equal(confirm.status, 200, confirm.body);
    const rosterCookie = browser.cookies.get('roster_session');
    assert.ok(rosterCookie, 'the browser holds a Roster session before signing out');
    const form = formOf(confirm);
    const done = await browser.go(form.action, { form: { ...form.fields, logout: 'yes' } });
    assert.equal(new URL(done.url).href, 'https://app.example/signed-out');
    // Signed out: the next authorization asks for the password again.
    const next = await browser.go((await authorization(config, client)).url.href);
    assert.match(next.body, /name="password"/);
    // The session itself ended, not only the cookie: replayed in another browser, it signs nobody in.
    const replay = new Browser(p.issuer);
    replay.cookies.set('roster_session', rosterCookie);
    const replayed = await replay.go((await authorization(config, client)).url.href);
    assert.match(replayed.body, /name="password"/);
  });

  it('client credentials: a confidential client gets a JWT of its own API scopes', async () => {
    const service = await registerClient(p, {
      name: 'Back office',
      redirectUris: ['https://office.example/cb'],
      scopes: ['admin:profile:write'],
    });
    const config = await discover(p, service);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'admin:profile:write' });
    assert.equal(tokens.access_token.split('.').length, 3);
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString());
    assert.equal(claims.client_id, service.clientId);
    assert.equal(claims.scope, 'admin:profile:write');
    assert.equal(claims.aud, p.issuer);
    const info = await oidc.tokenIntrospection(config, tokens.access_token);
    assert.equal(info.active, true);
    assert.equal(info.client_id, service.clientId);
    // It names no user: the native API's user routes refuse it.
    assert.equal((await request(p.t, 'GET', '/v1/me', { token: tokens.access_token })).statusCode, 401);
    await assert.rejects(oidc.clientCredentialsGrant(config, { scope: 'delegated:profile:write' }));
  });
});
