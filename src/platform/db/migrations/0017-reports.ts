// Content reports: a user reports a piece of an app's content (a kind the app
// names, such as a docket or a question) or another user, for an issue type,
// in a context (a course); staff resolve them from a queue.
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const reports: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('reports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // null once the reporter's account is erased: the report stays for moderation.
      .addColumn('reporter_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('subject_type', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      .addColumn('subject_short_id', 'text')
      .addColumn('issue_type', 'text', (c) => c.notNull())
      .addColumn('context_type', 'text')
      .addColumn('context_id', 'text')
      .addColumn('comments', 'text')
      .addColumn('status', 'text', (c) => c.notNull()) // open | resolved
      .addColumn('outcome', 'text') // actioned | dismissed
      .addColumn('resolution_note', 'text')
      .addColumn('resolved_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('resolved_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('reports_status_idx').on('reports').columns(['status', 'id']).execute();
    await db.schema.createIndex('reports_reporter_idx').on('reports').columns(['reporter_id']).execute();
    await db.schema
      .createIndex('reports_subject_idx')
      .on('reports')
      .columns(['subject_type', 'subject_id'])
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('reports').execute();
  },
};
