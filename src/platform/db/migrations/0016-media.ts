// Media: the objects Roster keeps in the blob store, direct uploads waiting
// to be claimed, each user's avatar with its face analysis, and the avatar on
// the profile. The bytes live in the blob store; these rows say who owns
// which object and what state it is in, so a sweep can remove what a crash
// or an erasure left behind.
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const media: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('media_objects')
      .addColumn('key', 'text', (c) => c.primaryKey())
      // null once the object is trash: nothing names its former owner.
      .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('kind', 'text', (c) => c.notNull()) // avatar | avatar_small | upload (trash only)
      .addColumn('state', 'text', (c) => c.notNull()) // staged | live | trash
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('media_objects_owner_idx')
      .on('media_objects')
      .columns(['owner_id'])
      .execute();
    await db.schema
      .createIndex('media_objects_state_idx')
      .on('media_objects')
      .columns(['state', 'updated_at'])
      .execute();
    await db.schema
      .createTable('media_uploads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('key_hash', 'text', (c) => c.notNull().unique()) // HMAC of the upload key
      .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('cascade')) // null: anonymous
      .addColumn('purpose', 'text', (c) => c.notNull()) // avatar | signup-avatar
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('object_key', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('url_expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('claim_expires_at', t.timestamp, (c) => c.notNull())
      .addColumn('claimed_by', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('claimed_at', t.timestamp)
      .execute();
    await db.schema
      .createIndex('media_uploads_owner_idx')
      .on('media_uploads')
      .columns(['owner_id'])
      .execute();
    await db.schema
      .createIndex('media_uploads_claimed_by_idx')
      .on('media_uploads')
      .columns(['claimed_by'])
      .execute();
    await db.schema
      .createIndex('media_uploads_expiry_idx')
      .on('media_uploads')
      .columns(['claim_expires_at'])
      .execute();
    await db.schema
      .createTable('media_avatars')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('object_key', 'text', (c) => c.notNull())
      .addColumn('small_key', 'text', (c) => c.notNull())
      .addColumn('width', 'integer', (c) => c.notNull())
      .addColumn('height', 'integer', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('source_format', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('face_count', 'integer')
      .addColumn('analyzed_at', t.timestamp)
      .addColumn('analysis_error', 'text')
      .execute();
    await db.schema.alterTable('profiles').addColumn('avatar_key', 'text').execute();
    await db.schema
      .alterTable('profiles')
      .addColumn('avatar_flagged', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
  async down(db) {
    await db.schema.alterTable('profiles').dropColumn('avatar_flagged').execute();
    await db.schema.alterTable('profiles').dropColumn('avatar_key').execute();
    await db.schema.dropTable('media_avatars').execute();
    await db.schema.dropTable('media_uploads').execute();
    await db.schema.dropTable('media_objects').execute();
  },
};
