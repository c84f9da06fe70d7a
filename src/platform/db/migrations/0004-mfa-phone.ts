// Second factors (TOTP, email codes), recovery codes, pending MFA sign-ins,
// and one verified owner per phone number.
import { sql } from 'kysely';
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const mfaPhone: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('mfa_factors')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull()) // totp | email
      .addColumn('secret', 'text') // TOTP secret, encrypted with ROSTER_SECRET
      .addColumn('last_used_step', 'bigint') // TOTP: a step used once is never accepted again
      .addColumn('enabled_at', t.timestamp) // null while pending activation
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('mfa_factors_user_type_key', ['user_id', 'type'])
      .execute();

    await db.schema
      .createTable('recovery_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('code_hash', 'text', (c) => c.notNull()) // HMAC keyed with ROSTER_SECRET
      .addColumn('used_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('recovery_codes_user_idx')
      .on('recovery_codes')
      .columns(['user_id', 'code_hash'])
      .execute();

    await db.schema
      .createTable('mfa_challenges')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique()) // sha256 of the mfaToken
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('amr', 'text', (c) => c.notNull()) // JSON: the first step's methods
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('consumed_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();

    // A number signs in to one account: unique among verified phones only.
    await db.schema
      .createIndex('users_verified_phone_key')
      .on('users')
      .column('phone')
      .unique()
      .where(sql.ref('phone_verified_at'), 'is not', null)
      .execute();
  },
  async down(db) {
    await db.schema.dropIndex('users_verified_phone_key').execute();
    for (const table of ['mfa_challenges', 'recovery_codes', 'mfa_factors'])
      await db.schema.dropTable(table).execute();
  },
};
