// Service keys: token introspection and revocation for machine callers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApiKeys } from '../../src/modules/sessions/api-keys.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { get, post, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account } from '../helpers/factories.ts';
import { cleanEnv, MAIN } from '../helpers/spawn-server.ts';

describe(`service keys (${testDialect})`, () => {
  let t: TestApp;
  let keys: ReturnType<typeof createApiKeys>;
  let accessToken: string;
  let refreshToken: string;
  let userId: string;

  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
    keys = createApiKeys({ db: t.db.database.db, clock: systemClock });
    ({ token: accessToken, refreshToken, id: userId } = await account(t, { email: 'svc-user@example.com' }));
  });
  after(() => t.close());

  const introspect = (key: string, token: string, header: 'authorization' | 'x-api-key' = 'authorization') =>
    post(
      t,
      '/v1/tokens/introspect',
      { token },
      header === 'authorization' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key },
    );

  it('a key with tokens:introspect reads any user’s token, by either header', async () => {
    const { key } = await keys.create('resource server', ['tokens:introspect']);
    assert.match(key, /^rk_[A-Za-z0-9_-]{43}$/);
    const res = await introspect(key, accessToken);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().active, true);
    assert.equal(res.json().sub, userId);
    assert.equal((await introspect(key, refreshToken, 'x-api-key')).json().token_type, 'refresh_token');
    assert.deepEqual((await introspect(key, 'not-a-token')).json(), { active: false });
  });

  it('keys are stored hashed', async () => {
    const { key } = await keys.create('hash check', ['tokens:introspect']);
    const rows = await t.db.database.db.selectFrom('api_keys').select('key_hash').execute();
    assert.ok(rows.every((r) => r.key_hash !== key && !r.key_hash.includes(key.slice(3))));
  });

  it('a key without the scope is refused with 403', async () => {
    const { key } = await keys.create('reader', ['users:read']);
    const res = await introspect(key, accessToken);
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'forbidden');
  });

  it('a key cannot act as a user', async () => {
    const { key } = await keys.create('not a user', ['tokens:introspect']);
    const res = await get(t, '/v1/me', key);
    assert.equal(res.statusCode, 403);
  });

  it('a revoked or unknown key is a 401', async () => {
    const { key, summary } = await keys.create('to revoke', ['tokens:introspect']);
    assert.equal(await keys.revoke(summary.id), true);
    assert.equal((await introspect(key, accessToken)).statusCode, 401);
    assert.equal((await introspect(`rk_${'x'.repeat(43)}`, accessToken)).statusCode, 401);
  });

  it('a key with tokens:revoke ends the session of any token', async () => {
    const { key } = await keys.create('revoker', ['tokens:revoke']);
    const res = await request(t, 'POST', '/v1/tokens/revoke', { token: key, body: { token: accessToken } });
    assert.equal(res.statusCode, 200);
    const me = await get(t, '/v1/me', accessToken);
    assert.equal(me.statusCode, 401);
  });
});

describe('apikey CLI', () => {
  it('creates (printing the key once), lists and revokes', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'roster-apikey-'));
    const env = cleanEnv({ DATABASE_URL: `sqlite:${join(cwd, 'keys.db')}` });
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [MAIN, 'apikey', ...args], { cwd, env, encoding: 'utf8' });
    const created = run('create', '--name', 'gateway', '--scope', 'tokens:introspect');
    assert.equal(created.status, 0, created.stderr);
    const { id, key, scopes } = JSON.parse(created.stdout);
    assert.match(key, /^rk_/);
    assert.deepEqual(scopes, ['tokens:introspect']);
    const listed = run('list');
    assert.equal(listed.status, 0);
    assert.ok(listed.stdout.includes(id));
    assert.ok(!listed.stdout.includes(key), 'the key is never shown again');
    assert.equal(run('revoke', id).stdout, 'revoked\n');
    assert.equal(run('revoke', id).status, 1);
    const bad = run('create', '--name', 'x', '--scope', 'admin:everything');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown scope admin:everything/);
  });
});
