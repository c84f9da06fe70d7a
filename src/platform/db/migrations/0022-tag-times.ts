// When each tag was first used: seed 003 shows a tag's creation time in its
// metadata. Tags made before this migration get its time.
import { sql } from 'kysely';
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const tagTimes: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.alterTable('tags').addColumn('created_at', t.timestamp).execute();
    await sql`update tags set created_at = ${new Date().toISOString()}`.execute(db);
  },
  async down(db) {
    await db.schema.alterTable('tags').dropColumn('created_at').execute();
  },
};
