// The directory: operator-defined custom profile fields, and a search document
// per user (names, username, headline) indexed for substring search by the
// engine's own tools: an FTS5 trigram table on SQLite, a pg_trgm GIN index on
// PostgreSQL. Its id is the directory's order. Every user gets a profile row,
// so filters see every score.
import { sql } from 'kysely';
import { systemClock } from '../../clock.ts';
import { columnTypes } from '../column-types.ts';
import type { RosterMigration } from './migration.ts';
import { trigramOps } from './trigram.ts';

// The separator between fields; the Text schema refuses control characters,
// so no search term can contain it and no match spans two fields.
const FIELD_SEPARATOR = '\u001f';

export const directory: RosterMigration = {
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.alterTable('profiles').addColumn('custom', t.json).execute();

    if (dialect === 'sqlite') {
      // The id is the directory's order (sign-up order) and the FTS rowid: an
      // INTEGER PRIMARY KEY is a stable rowid, AUTOINCREMENT never reuses one.
      await sql`create table user_search (
        id integer primary key autoincrement,
        user_id text not null unique references users(id) on delete cascade,
        doc text not null)`.execute(db);
      await sql`create virtual table user_search_fts using fts5(
        doc, content='user_search', content_rowid='id', tokenize='trigram')`.execute(db);
      await sql`create trigger user_search_ai after insert on user_search begin
        insert into user_search_fts(rowid, doc) values (new.id, new.doc); end`.execute(db);
      await sql`create trigger user_search_ad after delete on user_search begin
        insert into user_search_fts(user_search_fts, rowid, doc) values ('delete', old.id, old.doc); end`.execute(
        db,
      );
      await sql`create trigger user_search_au after update on user_search begin
        insert into user_search_fts(user_search_fts, rowid, doc) values ('delete', old.id, old.doc);
        insert into user_search_fts(rowid, doc) values (new.id, new.doc); end`.execute(db);
    } else {
      const ops = await trigramOps(db);
      await sql`create table user_search (
        id bigint generated always as identity primary key,
        user_id text not null unique references users(id) on delete cascade,
        doc text not null)`.execute(db);
      await sql`create index user_search_doc_trgm on user_search
        using gin (doc ${ops})`.execute(db);
    }
    await db.schema
      .createIndex('profiles_completeness_idx')
      .on('profiles')
      .columns(['completeness'])
      .execute();
    // Admins are few: a search for them starts here rather than walking everyone.
    await db.schema.createIndex('users_role_idx').on('users').columns(['role']).execute();
    await backfill(db);
  },
  async down(db, dialect) {
    await db.schema.dropIndex('users_role_idx').execute();
    await db.schema.dropIndex('profiles_completeness_idx').execute();
    if (dialect === 'sqlite') await sql`drop table user_search_fts`.execute(db);
    await db.schema.dropTable('user_search').execute();
    await db.schema.alterTable('profiles').dropColumn('custom').execute();
  },
};

// Accounts made before this migration: a profile row scored on what the
// account holds, and a search document. Later writes keep both current.
async function backfill(db: Parameters<RosterMigration['up']>[0]): Promise<void> {
  const rows = await db
    .selectFrom('users as u')
    .leftJoin('profiles as p', 'p.user_id', 'u.id')
    .select([
      'u.id',
      'u.first_name',
      'u.last_name',
      'u.username',
      'u.email_verified_at',
      'p.user_id as has_profile',
      'p.display_name',
      'p.headline',
    ])
    .where('u.status', '!=', 'deleted')
    .orderBy('u.id')
    .execute();
  const now = systemClock.now().toISOString();
  for (const r of rows) {
    if (!r.has_profile) {
      const score =
        (r.first_name && r.last_name ? 15 : 0) + (r.username ? 10 : 0) + (r.email_verified_at ? 10 : 0);
      await db
        .insertInto('profiles')
        .values({ user_id: r.id, completeness: score, updated_at: now })
        .execute();
    }
    const doc = [
      [r.first_name, r.last_name].filter(Boolean).join(' '),
      r.display_name ?? '',
      r.username ?? '',
      r.headline ?? '',
    ]
      .join(FIELD_SEPARATOR)
      .toLowerCase();
    await db.insertInto('user_search').values({ user_id: r.id, doc }).execute();
  }
}
