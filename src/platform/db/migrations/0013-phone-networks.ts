// Networks a number's owner has entered a right code from: a flood of wrong
// codes or sends from elsewhere never closes SMS sign-in to them.
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const phoneNetworks: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('phone_networks')
      .addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('network', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('verified_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('phone_networks_pkey', ['phone', 'network'])
      .execute();
    await db.schema.createIndex('phone_networks_user_idx').on('phone_networks').column('user_id').execute();
  },
  async down(db) {
    await db.schema.dropTable('phone_networks').execute();
  },
};
