// Counters of listed directory entries per tag ('' for all entries), role,
// account type ('' for none) and public completeness, so a numbered page's
// total is a sum of counters, not a count of matches. Triggers keep them
// with every change to an entry or its tags, whoever makes it: the
// directory's hooks, and the trigger that keeps `listed` and `role` in step
// with the users row (0014). Filled from the entries as they stand.
import { sql } from 'kysely';
import type { RosterMigration } from './migration.ts';

const KEY = 'tag_key, role, account_type, completeness';
/** The entry's counters as a condition on directory_counts (the row `r`: old or new). */
const counted = (r: string) =>
  `role = ${r}.role and account_type = coalesce(${r}.account_type, '') and completeness = ${r}.public_completeness
   and (tag_key = '' or tag_key in (select tag_key from user_search_tags where user_id = ${r}.user_id))`;
/** Adds the entry `new` to its counters ('' and each of its tags). */
const addEntry = (n: string) =>
  `insert into directory_counts (${KEY}, n)
     select k, new.role, coalesce(new.account_type, ''), new.public_completeness, 1
     from (select '' as k union all select tag_key from user_search_tags where user_id = new.user_id) keys
     where new.listed = 1
     order by k
     on conflict (${KEY}) do update set n = ${n} + 1`;
const addTag = (n: string) =>
  `insert into directory_counts (${KEY}, n)
     select new.tag_key, s.role, coalesce(s.account_type, ''), s.public_completeness, 1
     from user_search s where s.user_id = new.user_id and s.listed = 1
     on conflict (${KEY}) do update set n = ${n} + 1`;
const removeTag = `update directory_counts set n = n - 1
     where tag_key = old.tag_key and exists (select 1 from user_search s where s.user_id = old.user_id
       and s.listed = 1 and s.role = directory_counts.role
       and coalesce(s.account_type, '') = directory_counts.account_type
       and s.public_completeness = directory_counts.completeness)`;

export const directoryCounts: RosterMigration = {
  async up(db, dialect) {
    await db.schema
      .createTable('directory_counts')
      .addColumn('tag_key', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('account_type', 'text', (c) => c.notNull())
      .addColumn('completeness', 'integer', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('directory_counts_pk', ['tag_key', 'role', 'account_type', 'completeness'])
      .execute();
    await sql`insert into directory_counts (tag_key, role, account_type, completeness, n)
      select '', role, coalesce(account_type, ''), public_completeness, count(*)
        from user_search where listed = 1
        group by role, coalesce(account_type, ''), public_completeness
      union all
      select t.tag_key, s.role, coalesce(s.account_type, ''), s.public_completeness, count(*)
        from user_search s join user_search_tags t on t.user_id = s.user_id
        where s.listed = 1
        group by t.tag_key, s.role, coalesce(s.account_type, ''), s.public_completeness`.execute(db);
    const run = (text: string) => sql.raw(text).execute(db);
    if (dialect === 'sqlite') {
      await run(`create trigger directory_counts_ai after insert on user_search begin ${addEntry('n')}; end`);
      await run(`create trigger directory_counts_ad after delete on user_search when old.listed = 1 begin
        update directory_counts set n = n - 1 where ${counted('old')}; end`);
      await run(`create trigger directory_counts_au
        after update of listed, role, account_type, public_completeness on user_search begin
        update directory_counts set n = n - 1 where old.listed = 1 and ${counted('old')};
        ${addEntry('n')}; end`);
      await run(
        `create trigger directory_counts_tag_ai after insert on user_search_tags begin ${addTag('n')}; end`,
      );
      await run(
        `create trigger directory_counts_tag_ad after delete on user_search_tags begin ${removeTag}; end`,
      );
    } else {
      await run(`create function directory_counts_entry() returns trigger language plpgsql as $$
        begin
          if tg_op in ('UPDATE', 'DELETE') and old.listed = 1 then
            update directory_counts set n = n - 1 where ${counted('old')};
          end if;
          if tg_op in ('INSERT', 'UPDATE') then
            ${addEntry('directory_counts.n')};
          end if;
          return null;
        end $$`);
      await run(`create trigger directory_counts_entry
        after insert or delete or update of listed, role, account_type, public_completeness on user_search
        for each row execute function directory_counts_entry()`);
      await run(`create function directory_counts_tag() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then ${addTag('directory_counts.n')}; else ${removeTag}; end if;
          return null;
        end $$`);
      await run(`create trigger directory_counts_tag after insert or delete on user_search_tags
        for each row execute function directory_counts_tag()`);
    }
  },
  async down(db, dialect) {
    if (dialect === 'sqlite') {
      for (const name of ['ai', 'ad', 'au', 'tag_ai', 'tag_ad'])
        await sql.raw(`drop trigger directory_counts_${name}`).execute(db);
    } else {
      await sql`drop trigger directory_counts_entry on user_search`.execute(db);
      await sql`drop trigger directory_counts_tag on user_search_tags`.execute(db);
      await sql`drop function directory_counts_entry()`.execute(db);
      await sql`drop function directory_counts_tag()`.execute(db);
    }
    await db.schema.dropTable('directory_counts').execute();
  },
};
