// Removing an OAuth client ends every grant it holds (the sessions it acts
// in, across all users) in the removal's transaction: an index of the
// sessions that belong to a client, first-party sessions left out.
import { sql } from 'kysely';
import type { RosterMigration } from './migration.ts';

export const sessionClientIndex: RosterMigration = {
  async up(db) {
    await db.schema
      .createIndex('sessions_client')
      .on('sessions')
      .columns(['client_id'])
      .where(sql.ref('client_id'), 'is not', null)
      .execute();
  },
  async down(db) {
    await db.schema.dropIndex('sessions_client').execute();
  },
};
