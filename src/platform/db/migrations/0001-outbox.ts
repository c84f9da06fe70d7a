// The transactional outbox: messages (mail, SMS, webhooks) are written in the
// same transaction as the change that causes them and sent by a worker.
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const outbox: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('outbox_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('payload', t.json, (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', t.timestamp, (c) => c.notNull())
      .addColumn('locked_until', t.timestamp)
      .addColumn('last_error', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('sent_at', t.timestamp)
      .execute();
    // The worker's only query shape: pending messages that are due, oldest first.
    await db.schema
      .createIndex('outbox_messages_due_idx')
      .on('outbox_messages')
      .columns(['status', 'next_attempt_at'])
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('outbox_messages').execute();
  },
};
