// Profile fields people give about themselves beside their names: a middle
// name, a gender in their own words, a designation (job title) and one link
// of their choice. Plain nullable text: nothing to fill in for rows already there.
import type { RosterMigration } from './migration.ts';

const COLUMNS = ['middle_name', 'gender', 'designation', 'custom_link'] as const;

export const profileIdentity: RosterMigration = {
  async up(db) {
    for (const column of COLUMNS) await db.schema.alterTable('profiles').addColumn(column, 'text').execute();
  },
  async down(db) {
    for (const column of [...COLUMNS].reverse())
      await db.schema.alterTable('profiles').dropColumn(column).execute();
  },
};
