// Staff manage OAuth clients over HTTP: register (the secret in that reply
// only), list and show (never a secret), rotate (the old secret ends at once),
// remove; others get 403, a bad redirect URI a 422 that registers nothing,
// and a service key cannot manage clients.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOAuthClients } from '../../src/modules/oauth/index.ts';
import { createApiKeys } from '../../src/modules/sessions/api-keys.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, makeAdmin } from '../helpers/factories.ts';

describe(`OAuth clients over HTTP (${testDialect})`, () => {
  let t: TestApp;
  let admin: { id: string; token: string };
  let user: { id: string; token: string };
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
    admin = await account(t, { label: 'admin' });
    await makeAdmin(t, admin.id);
    user = await account(t, { label: 'user' });
  });
  after(() => t.close());

  const call = (method: 'GET' | 'POST' | 'DELETE', path: string, token: string, body?: unknown) =>
    request(t, method, `/v1/admin/oauth-clients${path}`, { token, ...(body === undefined ? {} : { body }) });
  const verify = (clientId: string, secret: string) =>
    createOAuthClients({ db: t.db.database.db, clock: systemClock, endGrants: async () => 0 }).verifySecret(
      clientId,
      secret,
    );

  it('registers, shows, lists, rotates and removes; the secret only in the replies that make it', async () => {
    const made = await call('POST', '', admin.token, {
      name: 'Partner app',
      redirectUris: ['https://partner.example/callback'],
      scopes: ['openid', 'delegated:profile:read'],
    });
    assert.equal(made.statusCode, 201, made.body);
    const client = made.json();
    assert.match(client.clientSecret, /^rcs_/);
    assert.equal(client.public, false);
    assert.equal(await verify(client.clientId, client.clientSecret), true);

    const shown = await call('GET', `/${client.clientId}`, admin.token);
    assert.equal(shown.statusCode, 200);
    assert.equal(shown.json().clientSecret, undefined);
    assert.deepEqual(shown.json().redirectUris, ['https://partner.example/callback']);
    const listed = await call('GET', '', admin.token);
    assert.ok(listed.json().items.some((c: { clientId: string }) => c.clientId === client.clientId));
    assert.ok(!listed.body.includes(client.clientSecret));

    const rotated = await call('POST', `/${client.clientId}/secret`, admin.token);
    assert.equal(rotated.statusCode, 200, rotated.body);
    assert.equal(await verify(client.clientId, client.clientSecret), false);
    assert.equal(await verify(client.clientId, rotated.json().clientSecret), true);

    assert.equal((await call('DELETE', `/${client.clientId}`, admin.token)).statusCode, 204);
    assertProblem(await call('GET', `/${client.clientId}`, admin.token), 404, 'not_found');
    assertProblem(await call('DELETE', `/${client.clientId}`, admin.token), 404, 'not_found');
  });

  it('a public client has no secret and none to rotate', async () => {
    const made = await call('POST', '', admin.token, {
      name: 'SPA',
      redirectUris: ['http://localhost:5173/cb'],
      public: true,
    });
    assert.equal(made.statusCode, 201, made.body);
    assert.equal(made.json().clientSecret, null);
    assertProblem(await call('POST', `/${made.json().clientId}/secret`, admin.token), 409, 'conflict');
  });

  it('refuses users, service keys and the unauthenticated; bad input registers nothing', async () => {
    const body = { name: 'Nope', redirectUris: ['https://nope.example/cb'] };
    assertProblem(await call('POST', '', user.token, body), 403, 'forbidden');
    assertProblem(await call('GET', '', user.token), 403, 'forbidden');
    const key = (
      await createApiKeys({ db: t.db.database.db, clock: systemClock }).create('svc', ['users:read'])
    ).key;
    const byKey = await t.app.inject({
      method: 'GET',
      url: '/v1/admin/oauth-clients',
      headers: { 'x-api-key': key },
    });
    assert.equal(byKey.statusCode, 403, byKey.body);
    assert.equal(byKey.json().code, 'forbidden');
    assertProblem(await request(t, 'GET', '/v1/admin/oauth-clients', {}), 401, 'unauthenticated');

    const before = (await call('GET', '', admin.token)).json().items.length;
    const wildcard = assertProblem(
      await call('POST', '', admin.token, { name: 'Bad', redirectUris: ['https://*.example.com/cb'] }),
      422,
      'validation_failed',
    );
    assert.deepEqual(
      (wildcard.errors as { path: string }[]).map((e) => e.path),
      ['redirectUris.0'],
    );
    assertProblem(
      await call('POST', '', admin.token, { ...body, scopes: ['admin:everything'] }),
      422,
      'validation_failed',
    );
    assertProblem(await call('POST', '', admin.token, { ...body, extra: 1 }), 422, 'validation_failed');
    assert.equal((await call('GET', '', admin.token)).json().items.length, before);
  });
});
