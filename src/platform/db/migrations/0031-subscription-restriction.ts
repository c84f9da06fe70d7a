// What staff and the apps' service keys set of an account besides its
// standing: a subscription (a tier of ROSTER_SUBSCRIPTION_TIERS and when it
// ends) and a restriction flag the apps read. Existing accounts start
// unsubscribed and unrestricted.
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const subscriptionRestriction: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.alterTable('users').addColumn('subscription_tier', 'text').execute();
    // null with a tier: the subscription runs until staff end it.
    await db.schema.alterTable('users').addColumn('subscription_expires_at', t.timestamp).execute();
    await db.schema
      .alterTable('users')
      .addColumn('restricted', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db) {
    await db.schema.alterTable('users').dropColumn('restricted').execute();
    await db.schema.alterTable('users').dropColumn('subscription_expires_at').execute();
    await db.schema.alterTable('users').dropColumn('subscription_tier').execute();
  },
};
