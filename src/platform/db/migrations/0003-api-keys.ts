// Service keys: machine callers (resource servers introspecting tokens, back
// offices) authenticate with an opaque key stored as SHA-256, with scopes.
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const apiKeys: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique())
      .addColumn('scopes', 'text', (c) => c.notNull()) // space-separated, like OAuth scopes
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('revoked_at', t.timestamp)
      .execute();
  },
  async down(db) {
    await db.schema.dropTable('api_keys').execute();
  },
};
