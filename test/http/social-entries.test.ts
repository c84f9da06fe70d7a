// The social module's follow entries by id (what seed 002's `offset` and
// DELETE /user/follow-entry need): findListKey finds an entry only in its
// owner's list of that kind and gives the keyset position listEntries resumes
// after; findEntryOf finds a follow only for a user at either end of it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findEntryOf, findListKey, listEntries } from '../../src/modules/social/social.repository.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, type SignedUpAccount } from '../helpers/factories.ts';

describe(`social follow entries by id (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => t.close());

  const follow = async (a: SignedUpAccount, b: SignedUpAccount) =>
    assert.equal((await request(t, 'POST', `/v1/users/${b.id}/follow`, { token: a.token })).statusCode, 200);
  const entryOf = async (followerId: string, followeeId: string) =>
    (
      await t.db.database.db
        .selectFrom('follows')
        .select('id')
        .where('follower_id', '=', followerId)
        .where('followee_id', '=', followeeId)
        .executeTakeFirstOrThrow()
    ).id;

  it('findListKey: the entry’s position in its owner’s list, null elsewhere', async () => {
    const db = t.db.database.db;
    const owner = await account(t, { label: 'entries-owner' });
    const fans = [await account(t), await account(t), await account(t)];
    for (const fan of fans) await follow(fan, owner);
    const all = await listEntries(db, t.db.database.dialect, 'followers', owner.id, owner.id, undefined, 10);
    assert.equal(all.length, 3);
    const key = await findListKey(db, 'followers', owner.id, all[0]!.id);
    assert.deepEqual(key, { at: all[0]!.at, id: all[0]!.id });
    const rest = await listEntries(db, t.db.database.dialect, 'followers', owner.id, owner.id, key!, 10);
    assert.deepEqual(
      rest.map((e) => e.id),
      all.slice(1).map((e) => e.id),
    );
    // The same entry is in the fan's following list, and in no one else's followers.
    assert.ok(await findListKey(db, 'following', all[0]!.userId, all[0]!.id));
    assert.equal(await findListKey(db, 'followers', fans[0]!.id, all[0]!.id), null);
    assert.equal(await findListKey(db, 'requests', owner.id, all[0]!.id), null);
    assert.equal(await findListKey(db, 'followers', owner.id, 'not an id'), null);
  });

  it('findEntryOf: only for either end of the follow', async () => {
    const db = t.db.database.db;
    const [a, b, c] = [await account(t), await account(t), await account(t)];
    await follow(a, b);
    const id = await entryOf(a.id, b.id);
    assert.equal((await findEntryOf(db, id, a.id))?.followeeId, b.id);
    assert.equal((await findEntryOf(db, id, b.id))?.followerId, a.id);
    assert.equal(await findEntryOf(db, id, c.id), null);
    assert.equal(await findEntryOf(db, "1' OR '1'='1", a.id), null);
  });
});
