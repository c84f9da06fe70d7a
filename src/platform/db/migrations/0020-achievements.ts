// Achievements: per user and operator-defined type, progress (`value`)
// towards a target (`total`), raised by service keys or by Roster's own
// events (verified referrals).
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const achievements: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('achievements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull())
      .addColumn('value', 'integer', (c) => c.notNull())
      // Bumped by every change of value or total (the seed's `__v`).
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('achievements_user_type_key', ['user_id', 'type'])
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('achievements').execute();
  },
};
