// Seed 002 takes OAuth access tokens from Roster's provider within the scopes
// the document names per endpoint: a token with only delegated:profile:read
// reads /user/me and /user/:userId and is refused every change in the
// surface's shape (403 insufficient_scope naming the scope), changing nothing.
// ROSTER_PROFILE_EDITABLE_FIELDS decides what PATCH /user/me may change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { buildTestApp, type TestApp } from '../../helpers/build-test-app.ts';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { account, makeAdmin, type SignedUpAccount, STRONG_PASSWORD } from '../../helpers/factories.ts';
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
import { dataOf, ok, refused } from './seed-002.ts';

describe(`seed 002 with OAuth access tokens (${testDialect})`, () => {
  let p: Provider;
  let client: RegisteredClient;
  let config: oidc.Configuration;
  before(async () => {
    p = await startProvider();
    client = await registerClient(p, {
      scopes: [
        'openid',
        'delegated:profile:read',
        'delegated:profile:write',
        'delegated:social:follow:write',
      ],
    });
    config = await discover(p, client);
  });
  after(() => p.close());

  async function tokenFor(user: SignedUpAccount, scope: string): Promise<string> {
    const start = await authorization(config, client, scope);
    const back = await signInAndConsent(new Browser(p.issuer), start.url, {
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
  const call = (method: 'GET' | 'PATCH' | 'POST' | 'DELETE', url: string, token: string, body?: unknown) =>
    request(p.t, method, url, { token, body });

  it('delegated:profile:read reads /user/me and /user/:userId, and is refused every change', async () => {
    const user = await account(p.t, { label: 'seed2-read', fields: { firstName: 'Reader' } });
    const other = await account(p.t, { label: 'seed2-other' });
    const token = await tokenFor(user, 'openid delegated:profile:read');
    const before = dataOf(await call('GET', '/user/me', token)).user[0];
    assert.deepEqual([before._id, before.firstName], [user.id, 'Reader']);
    assert.equal(dataOf(await call('GET', `/user/${other.id}`, token)).user[0]._id, other.id);
    const changes: [string, string, unknown, string][] = [
      ['PATCH', '/user/me', { firstName: 'Mallory' }, 'delegated:profile:write'],
      ['POST', '/user/private', { state: true }, 'delegated:profile:write'],
      ['POST', '/user/follow', { target: other.id }, 'delegated:social:follow:write'],
      ['POST', '/user/unfollow', { target: other.id }, 'delegated:social:follow:write'],
      ['POST', '/user/block', { target: other.id }, 'delegated:social:block:write'],
      ['POST', '/user/unblock', { target: other.id }, 'delegated:social:block:write'],
      ['GET', '/user/followers', undefined, 'delegated:social:follow:read'],
      ['GET', '/user/following', undefined, 'delegated:social:follow:read'],
      ['GET', `/user/${other.id}/followers`, undefined, 'delegated:social:follow:read'],
      ['GET', '/user/follow-requests', undefined, 'delegated:social:follow:read'],
      ['PATCH', '/user/follow-request', { request: other.id }, 'delegated:social:follow:write'],
      ['DELETE', '/user/follow-entry', { entry: other.id }, 'delegated:social:follow:write'],
      ['POST', '/user/search', { query: 'rick' }, 'delegated:profile:search'],
      ['GET', '/user/invite-codes', undefined, 'delegated:social:invite-code:read'],
    ];
    for (const [method, url, body, scope] of changes) {
      const res = await call(method as 'GET' | 'PATCH' | 'POST' | 'DELETE', url, token, body);
      const error = refused(res, 403, 'insufficient_scope');
      assert.match(error.message, new RegExp(scope), url);
      assert.match(String(res.headers['www-authenticate']), new RegExp(`scope="${scope}"`), url);
    }
    assert.deepEqual(dataOf(await call('GET', '/user/me', token)).user[0], before);
    assert.equal(dataOf(await call('GET', `/user/${other.id}`, token)).user[0].followerCount, 0);
  });

  it('delegated:profile:write changes the profile; target another user needs admin:profile:write', async () => {
    const user = await account(p.t, { label: 'seed2-write' });
    const other = await account(p.t, { label: 'seed2-target', fields: { firstName: 'Target' } });
    const token = await tokenFor(user, 'openid delegated:profile:read delegated:profile:write');
    ok(await call('PATCH', '/user/me', token, { firstName: 'Writer' }));
    assert.equal(dataOf(await call('GET', '/user/me', token)).user[0].firstName, 'Writer');
    const res = await call('PATCH', '/user/me', token, { target: other.id, firstName: 'Mallory' });
    refused(res, 403, 'insufficient_scope');
    assert.equal(dataOf(await call('GET', `/user/${other.id}`, token)).user[0].firstName, 'Target');
  });

  it('delegated:social:follow:write follows and unfollows, and reads no list without follow:read', async () => {
    const user = await account(p.t, { label: 'seed2-follower' });
    const other = await account(p.t, { label: 'seed2-followee' });
    const token = await tokenFor(user, 'openid delegated:profile:read delegated:social:follow:write');
    ok(await call('POST', '/user/follow', token, { target: other.id }));
    assert.equal(dataOf(await call('GET', `/user/${other.id}`, token)).user[0].followerCount, 1);
    refused(await call('GET', '/user/following', token), 403, 'insufficient_scope');
    ok(await call('POST', '/user/unfollow', token, { target: other.id }));
    assert.equal(dataOf(await call('GET', `/user/${other.id}`, token)).user[0].followerCount, 0);
  });
});

describe(`seed 002 PATCH /user/me with ROSTER_PROFILE_EDITABLE_FIELDS (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', ROSTER_PROFILE_EDITABLE_FIELDS: 'name.first' },
    });
  });
  after(() => t.close());

  it('changes an editable field; refuses the others whole, naming each, changing nothing', async () => {
    const user = await account(t, { label: 'seed2-editable' });
    const patch = (body: unknown) => request(t, 'PATCH', '/user/me', { token: user.token, body });
    const me = async () => dataOf(await request(t, 'GET', '/user/me', { token: user.token })).user[0];
    ok(await patch({ firstName: 'Allowed' }));
    const before = await me();
    const error = refused(
      await patch({ firstName: 'Again', lastName: 'Refused', username: 'never_applied' }),
      403,
      'field_not_editable',
    );
    assert.deepEqual(error.errors.map((e: { field: string }) => e.field).sort(), ['name.last', 'username']);
    refused(await request(t, 'POST', '/user/private', { token: user.token, body: { state: true } }), 403);
    assert.deepEqual(await me(), before);
    assert.equal(before.firstName, 'Allowed');
  });

  it('a staff edit with target is not bound by the editable fields', async () => {
    const user = await account(t, { label: 'seed2-edited' });
    const admin = await account(t, { label: 'seed2-staff' });
    await makeAdmin(t, admin.id);
    const body = { target: user.id, lastName: 'Staff', username: 'set_by_staff' };
    refused(await request(t, 'PATCH', '/user/me', { token: user.token, body: { lastName: 'Self' } }), 403);
    ok(await request(t, 'PATCH', '/user/me', { token: admin.token, body }));
    const seen = dataOf(await request(t, 'GET', '/user/me', { token: user.token })).user[0];
    assert.deepEqual([seen.lastName, seen.username], ['Staff', 'set_by_staff']);
  });
});
