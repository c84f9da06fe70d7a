// When each tag was first used: seed 003 shows a tag's creation time in its
// metadata. Tags made before this migration get its time.
import { sql } from 'kysely';
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const tagTimes: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.alterTable('tags').addColumn('created_at', t.timestamp).execute();
    // The database's own time: migrations read no clock of the application's.
    const now = dialect === 'sqlite' ? sql`strftime('%Y-%m-%dT%H:%M:%fZ', 'now')` : sql`now()`;
    await sql`update tags set created_at = ${now}`.execute(db);
  },
  async down(db) {
    await db.schema.alterTable('tags').dropColumn('created_at').execute();
  },
};
