// Migrations 0014 and 0015 fill what they add from the rows already there:
// each search entry's listed flag, role, public score and tags, and whether a
// referral's account has verified. 0014's trigger then keeps role and listed
// in step with the users row changed by hand.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { directoryReadModel } from '../../src/platform/db/migrations/0014-directory-read-model.ts';
import { referralVerification } from '../../src/platform/db/migrations/0015-referral-verification.ts';
import { standing } from '../../src/platform/db/migrations/0019-standing.ts';
import { directoryCounts } from '../../src/platform/db/migrations/0023-directory-counts.ts';
import { directoryGrams } from '../../src/platform/db/migrations/0024-directory-grams.ts';
import { searchTagKeys } from '../../src/platform/db/migrations/0025-search-tag-keys.ts';
import { exactTextIndex } from '../../src/platform/db/migrations/0026-exact-text-index.ts';
import { newId } from '../../src/platform/ids.ts';
import { testDialect } from '../helpers/dialect.ts';
import { createTestDatabase, schemaWork, type TestDatabase } from '../helpers/test-database.ts';

describe(`migrations 0014 and 0015 backfill the read models (${testDialect})`, () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());

  it('existing entries get their flags, scores and tags; the trigger follows later changes', async () => {
    const { dialect } = t.database;
    // biome-ignore lint/suspicious/noExplicitAny: the schema as it was before these migrations
    const db = t.database.db as any;
    await schemaWork(async () => {
      // Later migrations build on these tables: they are taken back first.
      await exactTextIndex.down(db, dialect);
      await searchTagKeys.down(db, dialect);
      await directoryGrams.down(db, dialect);
      await directoryCounts.down(db, dialect);
      await standing.down(db, dialect);
      await referralVerification.down(db, dialect);
      await directoryReadModel.down(db, dialect);
    });
    const now = '2026-01-01T00:00:00.000Z';
    const user = async (verified: boolean, role: 'user' | 'admin', completeness: number) => {
      const id = newId();
      await db
        .insertInto('users')
        .values({
          id,
          email: `${id}@example.com`,
          email_verified_at: verified ? now : null,
          role,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await db
        .insertInto('profiles')
        .values({ user_id: id, completeness, public_completeness: completeness, updated_at: now })
        .execute();
      await db
        .insertInto('user_search')
        .values({ user_id: id, doc: `doc ${id}` })
        .execute();
      return id;
    };
    const admin = await user(true, 'admin', 42);
    const pending = await user(false, 'user', 7);
    await db
      .insertInto('tags')
      .values({ key: 'rust', name: 'Rust', color: '#123456', usage_count: 1 })
      .execute();
    await db.insertInto('user_tags').values({ user_id: admin, tag_key: 'rust', position: 0 }).execute();
    await db
      .insertInto('referrals')
      .values({ referred_id: admin, referrer_id: pending, created_at: now })
      .execute();
    await db
      .insertInto('referrals')
      .values({ referred_id: pending, referrer_id: admin, created_at: now })
      .execute();

    await schemaWork(async () => {
      await directoryReadModel.up(db, dialect);
      await referralVerification.up(db, dialect);
      await standing.up(db, dialect);
      await directoryCounts.up(db, dialect);
      await directoryGrams.up(db, dialect);
      await searchTagKeys.up(db, dialect);
      await exactTextIndex.up(db, dialect);
    });

    // Plain objects (SQLite's rows have no prototype), numbers as numbers.
    const entry = async (id: string) => {
      const r = await db
        .selectFrom('user_search')
        .select(['listed', 'role', 'public_completeness'])
        .where('user_id', '=', id)
        .executeTakeFirstOrThrow();
      return { listed: Number(r.listed), role: r.role, public_completeness: Number(r.public_completeness) };
    };
    assert.deepEqual(await entry(admin), { listed: 1, role: 'admin', public_completeness: 42 });
    assert.deepEqual(await entry(pending), { listed: 0, role: 'user', public_completeness: 7 });
    const keys = await db.selectFrom('user_search').select(['user_id', 'tag_keys']).execute();
    assert.deepEqual(
      Object.fromEntries(keys.map((r: { user_id: string; tag_keys: string }) => [r.user_id, r.tag_keys])),
      { [admin]: '\u001frust\u001f', [pending]: '' },
    );
    // 0024 counts the grams of listed documents only: 'doc' is in both, listed once.
    const grams = await db
      .selectFrom('directory_gram_counts')
      .select(sql<number | string>`sum(n)`.as('n'))
      .where('gram', 'in', ['d', 'do', 'doc'])
      .groupBy('gram')
      .execute();
    assert.deepEqual(
      grams.map((r: { n: number | string }) => Number(r.n)),
      [1, 1, 1],
    );
    const tagged = await db.selectFrom('user_search_tags').select(['user_id', 'tag_key']).execute();
    assert.deepEqual(
      tagged.map((r: { user_id: string; tag_key: string }) => [r.user_id, r.tag_key]),
      [[admin, 'rust']],
    );
    const referrals = await db.selectFrom('referrals').select(['referred_id', 'verified']).execute();
    assert.deepEqual(
      Object.fromEntries(
        referrals.map((r: { referred_id: string; verified: number }) => [r.referred_id, Number(r.verified)]),
      ),
      { [admin]: 1, [pending]: 0 },
    );

    // By hand, outside every service: the entry follows the users row.
    await sql`update users set role = 'user', status = 'banned' where id = ${admin}`.execute(db);
    await sql`update users set email_verified_at = ${now} where id = ${pending}`.execute(db);
    assert.deepEqual(await entry(admin), { listed: 0, role: 'user', public_completeness: 42 });
    assert.deepEqual(await entry(pending), { listed: 1, role: 'user', public_completeness: 7 });
  });
});
