// Tags people put on their profiles: one row per normalised key with its
// display name, colour and usage count (kept in the same transaction as the
// profile change), and the user-to-tag edges.
import type { RosterMigration } from './migration.ts';

export const tags: RosterMigration = {
  async up(db) {
    await db.schema
      .createTable('tags')
      .addColumn('key', 'text', (c) => c.primaryKey()) // lower-case, trimmed, inner spaces as '-'
      .addColumn('name', 'text', (c) => c.notNull()) // the display name first used
      .addColumn('color', 'text', (c) => c.notNull()) // #rrggbb, derived from the key
      .addColumn('usage_count', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('user_tags')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('tag_key', 'text', (c) => c.notNull().references('tags.key'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_tags_pkey', ['user_id', 'tag_key'])
      .execute();
    await db.schema
      .createIndex('user_tags_tag_idx')
      .on('user_tags')
      .columns(['tag_key', 'user_id'])
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('user_tags').execute();
    await db.schema.dropTable('tags').execute();
  },
};
