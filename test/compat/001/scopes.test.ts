// Seed 001 takes OAuth access tokens from Roster's OpenID provider within
// their scope: `delegated:profile:read` reads the profile and is refused every
// change with 403 `{"detail": …}`, changing nothing; `delegated:profile:write`
// changes it. A service key acts as no user here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { createApiKeys } from '../../../src/modules/sessions/api-keys.ts';
import { systemClock } from '../../../src/platform/clock.ts';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { account, type SignedUpAccount, STRONG_PASSWORD } from '../../helpers/factories.ts';
import {
  authorization,
  Browser,
  discover,
  type Provider,
  type RegisteredClient,
  registerClient,
  signInAndConsent,
  startProvider,
} from '../../helpers/oidc.ts';
import { messageOf, profileOf, refusal } from './seed-001.ts';

describe(`seed 001 with OAuth access tokens (${testDialect})`, () => {
  let p: Provider;
  let client: RegisteredClient;
  let config: oidc.Configuration;
  before(async () => {
    p = await startProvider();
    client = await registerClient(p, {
      scopes: ['openid', 'delegated:profile:read', 'delegated:profile:write'],
    });
    config = await discover(p, client);
  });
  after(() => p.close());

  /** An access token the client gets for the user with `scope`, through the hosted pages. */
  async function tokenFor(user: SignedUpAccount, browser: Browser, scope: string): Promise<string> {
    const start = await authorization(config, client, scope);
    const back = await signInAndConsent(browser, start.url, {
      identifier: user.email,
      password: STRONG_PASSWORD,
    });
    assert.equal(back.status, 303, back.body);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.url), {
      pkceCodeVerifier: start.verifier,
      expectedState: start.state,
      expectedNonce: start.nonce,
    });
    return tokens.access_token;
  }

  const call = (method: 'GET' | 'PATCH' | 'POST', url: string, token: string, body?: unknown) =>
    request(p.t, method, url, { token, body });

  it('a delegated:profile:read token reads the profile and is refused every change (403), nothing changed', async () => {
    const user = await account(p.t, { label: 'oauth-read' });
    const token = await tokenFor(user, new Browser(p.issuer), 'openid delegated:profile:read');
    const before = profileOf(await call('GET', '/api/v1/me', token));
    assert.deepEqual([before.id, before.email], [user.id, user.email]);
    const changes: [string, string, unknown][] = [
      ['PATCH', '/api/v1/me', { first_name: 'Mallory', phone: '+14155552671' }],
      [
        'POST',
        '/api/v1/me/password',
        { current_password: STRONG_PASSWORD, new_password: 'taken over by an app' },
      ],
      ['POST', '/api/v1/me/verify-email', undefined],
    ];
    for (const [method, url, body] of changes) {
      const res = await call(method as 'PATCH' | 'POST', url, token, body);
      assert.match(refusal(res, 403), /delegated:profile:write/, url);
      assert.equal(
        res.headers['www-authenticate'],
        'Bearer error="insufficient_scope", scope="delegated:profile:write"',
      );
    }
    assert.deepEqual(profileOf(await call('GET', '/api/v1/me', token)), before);
    const signIn = await request(p.t, 'POST', '/v1/sessions', {
      body: { identifier: user.email, password: STRONG_PASSWORD },
    });
    assert.equal(signIn.statusCode, 200, 'the password is unchanged');
  });

  it('a delegated:profile:write token changes the profile; without read it cannot read it', async () => {
    const user = await account(p.t, { label: 'oauth-write' });
    const browser = new Browser(p.issuer);
    const both = await tokenFor(user, browser, 'openid delegated:profile:read delegated:profile:write');
    const updated = profileOf(
      await call('PATCH', '/api/v1/me', both, { first_name: 'Ada', locale: 'en-GB' }),
    );
    assert.deepEqual([updated.id, updated.first_name, updated.locale], [user.id, 'Ada', 'en-GB']);
    assert.equal(messageOf(await call('POST', '/api/v1/me/verify-email', both)), 'Email already verified');

    const writeOnly = await tokenFor(user, browser, 'openid delegated:profile:write');
    assert.match(refusal(await call('GET', '/api/v1/me', writeOnly), 403), /delegated:profile:read/);
    profileOf(await call('PATCH', '/api/v1/me', writeOnly, { last_name: 'Lovelace' }));
    // The password too, with the current one, under the native rules and effects.
    const changed = await call('POST', '/api/v1/me/password', writeOnly, {
      current_password: STRONG_PASSWORD,
      new_password: 'changed through an app 9',
    });
    assert.equal(messageOf(changed), 'Password changed successfully');
    // The sign-in the app acts in stays; every other session (the sign-up's) ends.
    profileOf(await call('GET', '/api/v1/me', both));
    assert.equal((await call('GET', '/api/v1/me', user.token)).statusCode, 401);
  });

  it('a token carrying only OpenID scopes reaches nothing; a service key acts as no user (403)', async () => {
    const user = await account(p.t, { label: 'oauth-none' });
    const token = await tokenFor(user, new Browser(p.issuer), 'openid');
    refusal(await call('GET', '/api/v1/me', token), 403);
    const { key } = await createApiKeys({ db: p.t.db.database.db, clock: systemClock }).create('gateway', [
      'profile:read',
    ]);
    assert.match(refusal(await call('GET', '/api/v1/me', key), 403), /service key/);
  });
});
