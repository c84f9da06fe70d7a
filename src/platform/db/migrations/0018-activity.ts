// Daily activity: apps record events (an answer to a question, first try or
// again, right or wrong) and Roster keeps per user × stream × scope × UTC day
// the totals, each row numbered in the order it last changed for its user, so
// a client syncs with a cursor and never misses a row that changed again.
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const activity: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('activity_events')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('event_id', 'text', (c) => c.notNull()) // the app's id: a retried event counts once
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('activity_events_pk', ['user_id', 'event_id'])
      .execute();
    await db.schema
      .createTable('activity_sequences')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('activity_daily')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('stream', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('day_start', t.timestamp, (c) => c.notNull())
      .addColumn('first_attempt_total', 'integer', (c) => c.notNull())
      .addColumn('first_attempt_correct', 'integer', (c) => c.notNull())
      .addColumn('reattempt_total', 'integer', (c) => c.notNull())
      .addColumn('reattempt_correct', 'integer', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('activity_daily_pk', ['user_id', 'stream', 'scope', 'day_start'])
      .execute();
    await db.schema
      .createIndex('activity_daily_sync_idx')
      .on('activity_daily')
      .columns(['user_id', 'seq'])
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('activity_daily').execute();
    await db.schema.dropTable('activity_sequences').execute();
    await db.schema.dropTable('activity_events').execute();
  },
};
