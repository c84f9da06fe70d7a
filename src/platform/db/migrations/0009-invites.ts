// Invite codes (each used at most once) and referrals: every user's shareable
// referral code, and who referred whom. An invite code admits an account, so
// it is kept like a secret: found by its HMAC, shown to its owner from an
// encrypted copy.
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const invites: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('invite_codes')
      .addColumn('code_hash', 'text', (c) => c.primaryKey()) // HMAC of the normalised code
      .addColumn('code_encrypted', 'text', (c) => c.notNull()) // for the owner's list
      .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('used_by', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('used_at', t.timestamp)
      .execute();
    await db.schema
      .createIndex('invite_codes_owner_idx')
      .on('invite_codes')
      .columns(['owner_id', 'created_at'])
      .execute();
    await db.schema
      .createTable('referral_codes')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .execute();
    await db.schema
      .createTable('referrals')
      .addColumn('referred_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('referrer_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('referrals_referrer_idx').on('referrals').columns(['referrer_id']).execute();
  },
  async down(db) {
    await db.schema.dropTable('referrals').execute();
    await db.schema.dropTable('referral_codes').execute();
    await db.schema.dropTable('invite_codes').execute();
  },
};
