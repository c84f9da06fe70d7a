// Profile fields beside the identity row: what people show about themselves.
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const profiles: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('profiles')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('display_name', 'text')
      .addColumn('bio', 'text')
      .addColumn('pronouns', 'text')
      .addColumn('locale', 'text')
      .addColumn('timezone', 'text')
      .addColumn('location', 'text')
      .addColumn('headline', 'text')
      .addColumn('about', 'text')
      .addColumn('availability', 'text')
      .addColumn('contact', t.json) // {country, state, city, address}
      .addColumn('socials', t.json) // {github, twitter, linkedin, website}
      .addColumn('is_private', t.boolean, (c) => c.notNull().defaultTo(false))
      .addColumn('completeness', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('profiles').execute();
  },
};
