// Presence: when each user's sessions were last seen (recorded in batches,
// off the request path) and when the user last signed in.
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const presence: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('user_presence')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('seen_at', t.timestamp)
      .addColumn('signed_in_at', t.timestamp)
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('user_presence').execute();
  },
};
