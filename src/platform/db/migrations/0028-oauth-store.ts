// The OpenID provider's storage (src/modules/oauth): its grants, browser
// sessions, interactions, codes and tokens in one table, each row keyed by its
// model and the SHA-256 of its id (ids are bearer secrets: codes, refresh
// tokens, session cookies), its payload encrypted at rest. A grant is also a
// session of the user's (sessions.client_id names the client acting for
// them), so every way a session ends (sign-out everywhere, a password reset,
// a ban, erasure) ends the grant's tokens too.
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';

export const oauthStore: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('oauth_store')
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('id_hash', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('grant_id', 'text')
      .addColumn('uid', 'text')
      .addColumn('account_id', 'text')
      .addColumn('expires_at', t.timestamp)
      .addColumn('consumed_at', t.timestamp)
      .addPrimaryKeyConstraint('oauth_store_pk', ['model', 'id_hash'])
      .execute();
    await db.schema.createIndex('oauth_store_grant').on('oauth_store').columns(['grant_id']).execute();
    await db.schema.createIndex('oauth_store_uid').on('oauth_store').columns(['model', 'uid']).execute();
    await db.schema.createIndex('oauth_store_account').on('oauth_store').columns(['account_id']).execute();
    await db.schema.createIndex('oauth_store_expiry').on('oauth_store').columns(['expires_at']).execute();
    await db.schema.alterTable('sessions').addColumn('client_id', 'text').execute();
  },
  async down(db) {
    await db.schema.alterTable('sessions').dropColumn('client_id').execute();
    await db.schema.dropTable('oauth_store').execute();
  },
};
