// Each directory entry holds its tag keys in one text too, each between two
// U+001F (a character no request text may hold), so "carries this tag" is a
// substring check on the row the search reads anyway instead of a probe into
// user_search_tags per candidate; on PostgreSQL a trigram index on it combines
// with the document's, so a word and a tag, or two tags, meet in the indexes
// before any row is read. user_search_tags stays: the counters (0023) and a
// search that starts from its rarest tag read it. Filled from the tags held.
import { sql } from 'kysely';
import type { RosterMigration } from './migration.ts';
import { trigramOps } from './trigram.ts';

export const searchTagKeys: RosterMigration = {
  async up(db, dialect) {
    await db.schema
      .alterTable('user_search')
      .addColumn('tag_keys', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    const joined =
      dialect === 'sqlite'
        ? sql`group_concat(t.tag_key, char(31))`
        : sql`string_agg(t.tag_key, chr(31) order by t.tag_key)`;
    const sep = dialect === 'sqlite' ? sql`char(31)` : sql`chr(31)`;
    await sql`update user_search set tag_keys = coalesce(
        (select ${sep} || ${joined} || ${sep} from user_search_tags t where t.user_id = user_search.user_id), '')`.execute(
      db,
    );
    if (dialect === 'postgres')
      await sql`create index user_search_tag_keys_trgm on user_search
        using gin (tag_keys ${await trigramOps(db)})`.execute(db);
  },
  async down(db, dialect) {
    if (dialect === 'postgres') await sql`drop index user_search_tag_keys_trgm`.execute(db);
    await db.schema.alterTable('user_search').dropColumn('tag_keys').execute();
  },
};
