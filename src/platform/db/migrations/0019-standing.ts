// An account's standing as the apps around Roster judge it: a score, an
// operator-defined account type and an identity-verification status (KYC),
// on the user record; the directory's read model carries the type so anyone
// may filter by it.
import type { RosterMigration } from './migration.ts';

export const standing: RosterMigration = {
  async up(db, dialect) {
    await db.schema
      .alterTable('users')
      .addColumn('score', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('users').addColumn('account_type', 'text').execute();
    // null (never asked) | pending | verified | rejected
    await db.schema.alterTable('users').addColumn('verification', 'text').execute();
    await db.schema.alterTable('user_search').addColumn('account_type', 'text').execute();
    await db.schema
      .createIndex('user_search_account_type_idx')
      .on('user_search')
      .columns(['account_type', 'id'])
      .execute();
    // SQLite: counting a page's matches from a tag's users reads each entry's
    // filter columns by user id, from this index alone, without the row.
    // (PostgreSQL's planner would take it for `listed = 1` on small tables.)
    if (dialect === 'sqlite')
      await db.schema
        .createIndex('user_search_filters_idx')
        .on('user_search')
        .columns(['user_id', 'listed', 'public_completeness', 'role', 'account_type'])
        .execute();
  },
  async down(db, dialect) {
    if (dialect === 'sqlite') await db.schema.dropIndex('user_search_filters_idx').execute();
    await db.schema.dropIndex('user_search_account_type_idx').execute();
    await db.schema.alterTable('user_search').dropColumn('account_type').execute();
    await db.schema.alterTable('users').dropColumn('verification').execute();
    await db.schema.alterTable('users').dropColumn('account_type').execute();
    await db.schema.alterTable('users').dropColumn('score').execute();
  },
};
