// The social graph: follows (accepted or requested), blocks and bookmarks,
// with follower and following counts kept on the profile in the same
// transaction as the edges.
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const social: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .alterTable('profiles')
      .addColumn('follower_count', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('profiles')
      .addColumn('following_count', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable('follows')
      .addColumn('id', 'text', (c) => c.primaryKey()) // the request's id while it is pending
      .addColumn('follower_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('followee_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('status', 'text', (c) => c.notNull()) // following | requested
      .addColumn('created_at', t.timestamp, (c) => c.notNull()) // asked at
      .addColumn('since', t.timestamp) // accepted at; null while requested
      .addUniqueConstraint('follows_pair_key', ['follower_id', 'followee_id'])
      .execute();
    // Keyset pages of a user's followers, following and requests, newest first.
    await db.schema
      .createIndex('follows_followee_idx')
      .on('follows')
      .columns(['followee_id', 'status', 'since', 'id'])
      .execute();
    await db.schema
      .createIndex('follows_follower_idx')
      .on('follows')
      .columns(['follower_id', 'status', 'since', 'id'])
      .execute();
    await db.schema
      .createIndex('follows_requests_idx')
      .on('follows')
      .columns(['followee_id', 'status', 'created_at', 'id'])
      .execute();

    await db.schema
      .createTable('blocks')
      .addColumn('id', 'text', (c) => c.notNull().unique()) // time-ordered: the list's keyset
      .addColumn('blocker_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('blocked_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('blocks_pkey', ['blocker_id', 'blocked_id'])
      .execute();
    await db.schema
      .createIndex('blocks_blocked_idx')
      .on('blocks')
      .columns(['blocked_id', 'blocker_id'])
      .execute();
    await db.schema.createIndex('blocks_list_idx').on('blocks').columns(['blocker_id', 'id']).execute();

    await db.schema
      .createTable('bookmarks')
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('target_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('bookmarks_pkey', ['user_id', 'target_id'])
      .execute();
    await db.schema.createIndex('bookmarks_list_idx').on('bookmarks').columns(['user_id', 'id']).execute();
    await db.schema.createIndex('bookmarks_target_idx').on('bookmarks').columns(['target_id']).execute();
  },
  async down(db) {
    await db.schema.dropTable('bookmarks').execute();
    await db.schema.dropTable('blocks').execute();
    await db.schema.dropTable('follows').execute();
    await db.schema.alterTable('profiles').dropColumn('following_count').execute();
    await db.schema.alterTable('profiles').dropColumn('follower_count').execute();
  },
};
