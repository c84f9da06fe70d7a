// The OpenID provider's storage on both dialects: records keyed by the
// digest of their id with encrypted payloads (a copy of the table redeems
// nothing), a code or refresh token consumed once even when two requests race,
// grants that live only as long as their session, removal by grant and by
// account, and expired records purged by the clock.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOAuthStore } from '../../src/modules/oauth/oauth-store.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createEncrypter } from '../../src/platform/crypto/encryption.ts';
import { randomToken, sha256 } from '../../src/platform/crypto/tokens.ts';
import { testDialect } from '../helpers/dialect.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

describe(`OAuth store (${testDialect})`, () => {
  let t: TestDatabase;
  const clock = new ManualClock(new Date('2026-12-01T10:00:00.000Z'));
  const liveGrants = new Set<string>();
  const ended: string[] = [];
  let store: ReturnType<typeof createOAuthStore>;
  before(async () => {
    t = await createTestDatabase();
    store = createOAuthStore({
      db: t.database.db,
      clock,
      encrypter: createEncrypter(['store-test-secret-0123456789abcdefghijklmnop']),
      grants: {
        isLive: async (id) => liveGrants.has(id),
        end: async (id) => {
          ended.push(id);
          liveGrants.delete(id);
        },
      },
    });
  });
  after(() => t.drop());

  const rows = () => t.database.db.selectFrom('oauth_store').selectAll().execute();

  it('keeps no id or payload in the clear, and finds by id and by uid', async () => {
    const codes = store.adapterFor('AuthorizationCode');
    const id = randomToken();
    await codes.upsert(id, { jti: id, accountId: 'u1', grantId: 'g1', scope: 'openid' }, 60);
    const stored = (await rows()).find((r) => r.model === 'AuthorizationCode')!;
    assert.equal(stored.id_hash, sha256(id));
    assert.ok(!stored.payload.includes(id) && !stored.payload.includes('openid'), 'encrypted');
    assert.deepEqual(await codes.find(id), { jti: id, accountId: 'u1', grantId: 'g1', scope: 'openid' });
    assert.equal(await codes.find(randomToken()), undefined);

    const sessions = store.adapterFor('Session');
    await sessions.upsert('s-1', { jti: 's-1', uid: 'uid-1', accountId: 'u1' }, 60);
    assert.equal((await sessions.findByUid('uid-1'))?.jti, 's-1');
    await sessions.upsert('s-1', { jti: 's-1', uid: 'uid-1', accountId: 'u1', loginTs: 5 }, 60);
    assert.equal((await sessions.findByUid('uid-1'))?.loginTs, 5, 'an upsert replaces');
  });

  it('consumes a code once, even when two requests race', async () => {
    const tokens = store.adapterFor('RefreshToken');
    const id = randomToken();
    await tokens.upsert(id, { jti: id, grantId: 'g-race' }, 600);
    const results = await Promise.allSettled([tokens.consume(id), tokens.consume(id), tokens.consume(id)]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results.filter((x) => x.status === 'rejected'))
      assert.equal((r as PromiseRejectedResult).reason.error, 'invalid_grant');
    const found = await tokens.find(id);
    assert.equal(found?.consumed, Math.floor(clock.now().getTime() / 1000));
  });

  it('finds a grant only while its session lives; destroying it ends the session', async () => {
    const grants = store.adapterFor('Grant');
    await grants.upsert('grant-a', { jti: 'grant-a', accountId: 'u2', clientId: 'c' }, 600);
    assert.equal(await grants.find('grant-a'), undefined, 'no live session');
    liveGrants.add('grant-a');
    assert.equal((await grants.find('grant-a'))?.clientId, 'c');
    await grants.destroy('grant-a');
    assert.deepEqual(ended, ['grant-a']);
    liveGrants.add('grant-a');
    assert.equal(await grants.find('grant-a'), undefined, 'the record is gone');
  });

  it('removes a grant’s tokens, and an account’s records', async () => {
    const access = store.adapterFor('AccessToken');
    const refresh = store.adapterFor('RefreshToken');
    await access.upsert('a1', { jti: 'a1', grantId: 'g-x', accountId: 'u3' }, 600);
    await refresh.upsert('r1', { jti: 'r1', grantId: 'g-x', accountId: 'u3' }, 600);
    await refresh.upsert('r2', { jti: 'r2', grantId: 'g-y', accountId: 'u3' }, 600);
    await refresh.revokeByGrantId('g-x');
    assert.equal(await refresh.find('r1'), undefined);
    assert.ok(await access.find('a1'), 'only the model asked');
    assert.ok(await refresh.find('r2'), 'only the grant asked');
    await store.forgetAccount(t.database.db, 'u3');
    assert.equal(await access.find('a1'), undefined);
    assert.equal(await refresh.find('r2'), undefined);
  });

  it('purges what expired, by the clock, and keeps the rest', async () => {
    const codes = store.adapterFor('AuthorizationCode');
    await codes.upsert('short', { jti: 'short' }, 60);
    await codes.upsert('long', { jti: 'long' }, 3600);
    await store.adapterFor('Client').upsert('forever', { jti: 'forever' });
    clock.advance(61_000);
    const purged = await store.purgeExpired();
    assert.ok(purged >= 1);
    assert.equal(await codes.find('short'), undefined);
    assert.ok(await codes.find('long'));
    assert.ok(await store.adapterFor('Client').find('forever'), 'no expiry, never purged');
    clock.advance(3600_000);
    await store.purgeExpired();
    assert.equal(await codes.find('long'), undefined);
  });
});
