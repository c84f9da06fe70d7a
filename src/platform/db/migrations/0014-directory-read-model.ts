// The directory searches its own read model: each search entry holds what a
// search filters on (whether the account is listed, its role, the profile's
// public score) and, in user_search_tags, its tags; the directory's lifecycle
// hooks write them with the document. A trigger also keeps `role` and
// `listed` in step with the users row, for changes made outside every service
// (no command changes a role after sign-up: an operator does it by hand).
// The FTS5 table is now rewritten only when the document itself changes.
import { sql } from 'kysely';
import type { RosterMigration } from './migration.ts';

/** isListed (src/modules/users/users.repository.ts) as 1 or 0, over the row `r`. */
const listed = (r: string) =>
  `case when ${r}.status = 'active' and (${r}.email_verified_at is not null or ${r}.phone_verified_at is not null) then 1 else 0 end`;

const WATCHED = 'role, status, email_verified_at, phone_verified_at';

export const directoryReadModel: RosterMigration = {
  async up(db, dialect) {
    await db.schema
      .alterTable('user_search')
      .addColumn('listed', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('user_search')
      .addColumn('role', 'text', (c) => c.notNull().defaultTo('user'))
      .execute();
    await db.schema
      .alterTable('user_search')
      .addColumn('public_completeness', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('user_search_tags')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('tag_key', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_search_tags_pkey', ['user_id', 'tag_key'])
      .execute();
    // A search that starts from a rare tag, role or score range reads these.
    await db.schema
      .createIndex('user_search_tags_tag_idx')
      .on('user_search_tags')
      .columns(['tag_key', 'user_id'])
      .execute();
    await db.schema.createIndex('user_search_role_idx').on('user_search').column('role').execute();
    await db.schema
      .createIndex('user_search_completeness_idx')
      .on('user_search')
      .column('public_completeness')
      .execute();
    // The directory was the only reader of this one.
    await db.schema.dropIndex('profiles_public_completeness_idx').execute();

    // Existing entries, in three statements whatever their number.
    await sql`update user_search set
      listed = coalesce((select ${sql.raw(listed('u'))} from users u where u.id = user_search.user_id), 0),
      role = coalesce((select u.role from users u where u.id = user_search.user_id), 'user'),
      public_completeness = coalesce(
        (select p.public_completeness from profiles p where p.user_id = user_search.user_id), 0)`.execute(db);
    await sql`insert into user_search_tags (user_id, tag_key)
      select t.user_id, t.tag_key from user_tags t
      where exists (select 1 from user_search s where s.user_id = t.user_id)`.execute(db);

    if (dialect === 'sqlite') {
      await sql`create trigger users_directory_au after update of ${sql.raw(WATCHED)} on users begin
        update user_search set role = new.role, listed = ${sql.raw(listed('new'))} where user_id = new.id; end`.execute(
        db,
      );
      await sql`drop trigger user_search_au`.execute(db);
      await sql`create trigger user_search_au after update of doc on user_search begin
        insert into user_search_fts(user_search_fts, rowid, doc) values ('delete', old.id, old.doc);
        insert into user_search_fts(rowid, doc) values (new.id, new.doc); end`.execute(db);
    } else {
      await sql`create function users_directory_sync() returns trigger language plpgsql as $$
        begin
          update user_search set role = new.role, listed = ${sql.raw(listed('new'))} where user_id = new.id;
          return null;
        end $$`.execute(db);
      await sql`create trigger users_directory_au after update of ${sql.raw(WATCHED)} on users
        for each row execute function users_directory_sync()`.execute(db);
    }
  },
  async down(db, dialect) {
    if (dialect === 'sqlite') {
      await sql`drop trigger users_directory_au`.execute(db);
      await sql`drop trigger user_search_au`.execute(db);
      await sql`create trigger user_search_au after update on user_search begin
        insert into user_search_fts(user_search_fts, rowid, doc) values ('delete', old.id, old.doc);
        insert into user_search_fts(rowid, doc) values (new.id, new.doc); end`.execute(db);
    } else {
      await sql`drop trigger users_directory_au on users`.execute(db);
      await sql`drop function users_directory_sync()`.execute(db);
    }
    await db.schema
      .createIndex('profiles_public_completeness_idx')
      .on('profiles')
      .column('public_completeness')
      .execute();
    await db.schema.dropIndex('user_search_completeness_idx').execute();
    await db.schema.dropIndex('user_search_role_idx').execute();
    await db.schema.dropTable('user_search_tags').execute();
    await db.schema.alterTable('user_search').dropColumn('public_completeness').execute();
    await db.schema.alterTable('user_search').dropColumn('role').execute();
    await db.schema.alterTable('user_search').dropColumn('listed').execute();
  },
};
