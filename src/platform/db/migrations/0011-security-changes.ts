// Sensitive changes to how an account signs in (second factors, recovery
// codes, phone numbers), each with the undo link mailed to the owner.
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const securityChanges: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('security_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('undo_data', t.json, (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('session_id', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('undone_at', t.timestamp)
      .execute();
    await db.schema
      .createIndex('security_changes_user_idx')
      .on('security_changes')
      .columns(['user_id', 'created_at'])
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('security_changes').execute();
  },
};
