// The identity core: users, their credentials (one row per method), sessions
// with rotating refresh tokens, one-time codes, token signing keys and the
// security audit trail.
import { sql } from 'kysely';
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const identity: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('email', 'text') // normalised (trimmed, lower-case); null once erased
      .addColumn('email_verified_at', t.timestamp)
      .addColumn('username', 'text') // a-z 0-9 _, stored lower-case
      .addColumn('phone', 'text') // E.164
      .addColumn('phone_verified_at', t.timestamp)
      .addColumn('first_name', 'text')
      .addColumn('last_name', 'text')
      .addColumn('role', 'text', (c) => c.notNull().defaultTo('user'))
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('active')) // active | banned | deleted
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('deleted_at', t.timestamp)
      .execute();
    // Partial unique indexes: erased (null) values never collide. Both dialects support them.
    await db.schema
      .createIndex('users_email_key')
      .on('users')
      .column('email')
      .unique()
      .where(sql.ref('email'), 'is not', null)
      .execute();
    await db.schema
      .createIndex('users_username_key')
      .on('users')
      .column('username')
      .unique()
      .where(sql.ref('username'), 'is not', null)
      .execute();
    await db.schema.createIndex('users_phone_idx').on('users').column('phone').execute();

    await db.schema
      .createTable('credentials')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull()) // password | totp | ...
      .addColumn('secret', 'text', (c) => c.notNull()) // a hash, or ciphertext; never plain
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('credentials_user_type_key', ['user_id', 'type'])
      .execute();

    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('last_seen_at', t.timestamp, (c) => c.notNull())
      .addColumn('idle_expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('revoked_at', t.timestamp)
      .addColumn('revoke_reason', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('ip', 'text')
      .addColumn('amr', 'text', (c) => c.notNull()) // JSON list of methods used: ["pwd"], ["pwd","otp"]
      .addColumn('scope', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_user_idx').on('sessions').columns(['user_id', 'id']).execute();

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey()) // sha256 of the opaque token
      .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('used_at', t.timestamp) // set when rotated; presenting it again is reuse
      .execute();
    await db.schema
      .createIndex('refresh_tokens_session_idx')
      .on('refresh_tokens')
      .column('session_id')
      .execute();

    await db.schema
      .createTable('one_time_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('target', 'text', (c) => c.notNull()) // normalised email or phone
      .addColumn('code_hash', 'text') // HMAC of the short code
      .addColumn('token_hash', 'text') // sha256 of the link token
      .addColumn('code_expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('token_expires_at', t.timestamp)
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('consumed_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('one_time_codes_lookup_idx')
      .on('one_time_codes')
      .columns(['purpose', 'target', 'created_at'])
      .execute();
    await db.schema
      .createIndex('one_time_codes_token_key')
      .on('one_time_codes')
      .column('token_hash')
      .unique()
      .where(sql.ref('token_hash'), 'is not', null)
      .execute();

    await db.schema
      .createTable('signing_keys')
      .addColumn('kid', 'text', (c) => c.primaryKey())
      .addColumn('alg', 'text', (c) => c.notNull())
      .addColumn('public_jwk', 'text', (c) => c.notNull())
      .addColumn('private_key', 'text', (c) => c.notNull()) // encrypted with ROSTER_SECRET
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('retired_at', t.timestamp) // no longer signs; still verifies until tokens expire
      .execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text') // no foreign key: the trail outlives erasure
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('detail', t.json)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('audit_events_user_idx')
      .on('audit_events')
      .columns(['user_id', 'id'])
      .execute();
  },
  async down(db) {
    for (const table of [
      'audit_events',
      'signing_keys',
      'one_time_codes',
      'refresh_tokens',
      'sessions',
      'credentials',
      'users',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
