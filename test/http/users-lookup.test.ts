// GET /v1/users/by-phone and /v1/users/exists: service keys with users:read
// or admins only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKeys } from '../../src/modules/sessions/api-keys.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { get } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, makeAdmin, type SignedUpAccount } from '../helpers/factories.ts';

const PHONE = '+4915112345678';

describe(`user look-ups (${testDialect})`, () => {
  let t: TestApp;
  let reader: string;
  let introspector: string;
  let plain: SignedUpAccount;
  let admin: SignedUpAccount;

  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
    const keys = createApiKeys({ db: t.db.database.db, clock: systemClock });
    reader = (await keys.create('directory', ['users:read'])).key;
    introspector = (await keys.create('gateway', ['tokens:introspect'])).key;
    plain = await account(t, { email: 'plain@example.com' });
    admin = await account(t, { email: 'admin@example.com' });
    await makeAdmin(t, admin.id);
    await t.db.database.db
      .updateTable('users')
      .set({ phone: PHONE, phone_verified_at: new Date().toISOString() })
      .where('id', '=', plain.id)
      .execute();
  });
  after(() => t.close());

  it('a users:read key finds the account of a verified number', async () => {
    const res = await get(t, `/v1/users/by-phone/${encodeURIComponent(PHONE)}`, reader);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().id, plain.id);
    assert.equal(
      (await get(t, `/v1/users/by-phone/${encodeURIComponent('+4915199999999')}`, reader)).statusCode,
      404,
    );
  });

  it('a users:read key asks whether an address or number exists', async () => {
    assert.deepEqual((await get(t, '/v1/users/exists?email=PLAIN@example.com', reader)).json(), {
      exists: true,
    });
    assert.deepEqual((await get(t, '/v1/users/exists?email=nobody@example.com', reader)).json(), {
      exists: false,
    });
    assert.deepEqual((await get(t, `/v1/users/exists?phone=${encodeURIComponent(PHONE)}`, reader)).json(), {
      exists: true,
    });
    assert.equal((await get(t, '/v1/users/exists', reader)).statusCode, 422);
    assert.equal(
      (await get(t, `/v1/users/exists?email=a@b.co&phone=${encodeURIComponent(PHONE)}`, reader)).statusCode,
      422,
    );
  });

  it('admins may; plain users and keys without the scope may not', async () => {
    assert.equal((await get(t, '/v1/users/exists?email=plain@example.com', admin.token)).statusCode, 200);
    for (const bearer of [plain.token, introspector]) {
      const res = await get(t, `/v1/users/by-phone/${encodeURIComponent(PHONE)}`, bearer);
      assert.equal(res.statusCode, 403);
      assert.equal(res.json().code, 'forbidden');
      assert.equal((await get(t, '/v1/users/exists?email=plain@example.com', bearer)).statusCode, 403);
    }
    assert.equal((await get(t, '/v1/users/exists?email=plain@example.com')).statusCode, 401);
  });
});
