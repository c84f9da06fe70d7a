// Per-user activity limits (ROSTER_RATE_LIMIT_USER_FACTOR): searches (120 a
// minute), graph changes (400 an hour) and profile writes (120 an hour) are
// counted per signed-in user and scaled by the factor; 0 switches them off.
// Each limit is the caller's own: another user is never affected.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertRateLimited, type Method, type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { type SignedUpAccount as Account, account as newAccount } from '../helpers/factories.ts';

function harness(getApp: () => TestApp) {
  const call = (method: Method, url: string, who: Account, body?: object): Promise<Reply> =>
    request(getApp(), method, url, { token: who.token, body });
  const account = (): Promise<Account> => newAccount(getApp(), { label: 'limits' });
  return { call, account };
}

const env = (factor: string) => ({
  ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false',
  ROSTER_RATE_LIMIT_USER_FACTOR: factor,
  // Every injected request comes from 127.0.0.1: only the per-user limits are under test.
  ROSTER_RATE_LIMIT_IP_FACTOR: '0',
});

describe(`per-user activity limits at factor 0.05 (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: env('0.05') });
  });
  after(() => t.close());
  const { call, account } = harness(() => t);

  it('searches: 120 a minute x 0.05 = 6; the 7th is a 429 with Retry-After, another user is unaffected', async () => {
    const [busy, other] = [await account(), await account()];
    for (let i = 1; i <= 6; i++) {
      const res = await call('GET', `/v1/users?q=limits${i}`, busy);
      assert.equal(res.statusCode, 200, `search ${i}: ${res.body}`);
    }
    const seventh = await call('GET', '/v1/users?q=limits7', busy);
    const retryAfter = assertRateLimited(seventh);
    // A sliding window: a full minute's count fades over the next minute, so at most two.
    assert.ok(retryAfter <= 120, `within two one-minute windows (${retryAfter})`);
    assertRateLimited(await call('GET', '/v1/users?tags=anything', busy));
    for (let i = 1; i <= 6; i++) {
      assert.equal((await call('GET', `/v1/users?q=other${i}`, other)).statusCode, 200, `other user, ${i}`);
    }
  });

  it('graph changes: 400 an hour x 0.05 = 20 follows and unfollows together; the 21st is a 429', async () => {
    const [busy, target, other] = [await account(), await account(), await account()];
    for (let i = 1; i <= 20; i++) {
      const res =
        i % 2 === 1
          ? await call('POST', `/v1/users/${target.id}/follow`, busy)
          : await call('DELETE', `/v1/users/${target.id}/follow`, busy);
      assert.ok([200, 204].includes(res.statusCode), `change ${i}: ${res.statusCode} ${res.body}`);
    }
    assertRateLimited(await call('POST', `/v1/users/${target.id}/follow`, busy));
    assertRateLimited(await call('PUT', `/v1/me/bookmarks/${target.id}`, busy));
    // Nothing was changed by the refused follow.
    const me = await call('GET', '/v1/me', busy);
    assert.equal(me.json().followingCount, 0);
    const theirs = await call('POST', `/v1/users/${target.id}/follow`, other);
    assert.equal(theirs.statusCode, 200, theirs.body);
  });

  it('profile updates: 120 an hour x 0.05 = 6; the 7th is a 429 and changes nothing', async () => {
    const [busy, other] = [await account(), await account()];
    for (let i = 1; i <= 6; i++) {
      const res = await call('PATCH', '/v1/me', busy, { bio: `bio ${i}` });
      assert.equal(res.statusCode, 200, `update ${i}: ${res.body}`);
    }
    assertRateLimited(await call('PATCH', '/v1/me', busy, { bio: 'bio 7' }));
    assert.equal((await call('GET', '/v1/me', busy)).json().bio, 'bio 6');
    assert.equal((await call('PATCH', '/v1/me', other, { bio: 'mine' })).statusCode, 200);
  });
});

describe(`per-user activity limits off at factor 0 (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: env('0') });
  });
  after(() => t.close());
  const { call, account } = harness(() => t);

  it('200 searches, 150 profile updates and 450 graph changes by one user are all answered', async () => {
    const [busy, target] = [await account(), await account()];
    for (let i = 0; i < 200; i++) {
      const res = await call('GET', `/v1/users?q=free${i}`, busy);
      assert.equal(res.statusCode, 200, `search ${i}: ${res.body}`);
    }
    for (let i = 0; i < 150; i++) {
      const res = await call('PATCH', '/v1/me', busy, { bio: `bio ${i}` });
      assert.equal(res.statusCode, 200, `update ${i}: ${res.body}`);
    }
    for (let i = 0; i < 450; i++) {
      const res =
        i % 2 === 0
          ? await call('POST', `/v1/users/${target.id}/follow`, busy)
          : await call('DELETE', `/v1/users/${target.id}/follow`, busy);
      assert.ok([200, 204].includes(res.statusCode), `change ${i}: ${res.statusCode} ${res.body}`);
    }
  });
});
