// Migrations 0030 and 0031 add the profile's identity fields and the
// account's subscription and restriction to tables that already hold rows:
// those rows come out empty, unsubscribed and unrestricted; taken back, the
// columns go and the rows stay; applied again, the columns return.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { profileIdentity } from '../../src/platform/db/migrations/0030-profile-identity.ts';
import { subscriptionRestriction } from '../../src/platform/db/migrations/0031-subscription-restriction.ts';
import { newId } from '../../src/platform/ids.ts';
import { testDialect } from '../helpers/dialect.ts';
import { createTestDatabase, schemaWork, type TestDatabase } from '../helpers/test-database.ts';

describe(`migrations 0030 and 0031 on rows already there (${testDialect})`, () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());

  const columnsOf = async (table: string) => {
    const tables = await schemaWork(() => t.database.db.introspection.getTables());
    const found = tables.find((x) => x.name === table && (t.schema === undefined || x.schema === t.schema));
    return found!.columns.map((c) => c.name);
  };

  it('reverts with rows present, then applies again with empty values', async () => {
    const { dialect } = t.database;
    // biome-ignore lint/suspicious/noExplicitAny: the schema as it was before these migrations
    const db = t.database.db as any;
    await schemaWork(async () => {
      await subscriptionRestriction.down(db, dialect);
      await profileIdentity.down(db, dialect);
    });
    assert.equal((await columnsOf('users')).includes('subscription_tier'), false);
    assert.equal((await columnsOf('profiles')).includes('gender'), false);
    const id = newId();
    const now = '2026-01-01T00:00:00.000Z';
    await db
      .insertInto('users')
      .values({ id, email: `${id}@example.com`, created_at: now, updated_at: now })
      .execute();
    await db.insertInto('profiles').values({ user_id: id, bio: 'kept', updated_at: now }).execute();

    await schemaWork(async () => {
      await profileIdentity.up(db, dialect);
      await subscriptionRestriction.up(db, dialect);
    });
    const user = await db
      .selectFrom('users')
      .select(['subscription_tier', 'subscription_expires_at', 'restricted'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [user.subscription_tier, user.subscription_expires_at, Number(user.restricted)],
      [null, null, 0],
    );
    const profile = await db
      .selectFrom('profiles')
      .select(['bio', 'middle_name', 'gender', 'designation', 'custom_link'])
      .where('user_id', '=', id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [profile.bio, profile.middle_name, profile.gender, profile.designation, profile.custom_link],
      ['kept', null, null, null, null],
    );
    // Instants come back as written, on both dialects.
    await db
      .updateTable('users')
      .set({ subscription_tier: 'basic', subscription_expires_at: '2027-02-03T04:05:06.007Z', restricted: 1 })
      .where('id', '=', id)
      .execute();
    const set = await db
      .selectFrom('users')
      .select(['subscription_expires_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    assert.equal(set.subscription_expires_at, '2027-02-03T04:05:06.007Z');
  });
});
