// Counters of listed directory entries per piece of one to GRAM_MAX
// characters (gram) of their search document, so a numbered page searched by
// one short word has its total without reading the documents: no text index
// answers words under three characters (trigrams), so the LIKE that checks
// them reads every row; and a common three-letter word matches thousands of
// rows that the trigram index cannot count without reading. Grams holding a space or the field separator are left out
// (a search word never holds one). Each gram's count is split over GRAM_SHARDS rows
// by entry id, so concurrent writers of different entries rarely wait on the
// same counter row. Triggers keep them with every change to a document or to
// `listed`, touching only the grams whose count moves, in gram order (a fixed
// lock order), and dropping the counters that reach 0. Filled from the
// entries as they stand.
import { sql } from 'kysely';
import type { RosterMigration } from './migration.ts';

export const GRAM_SHARDS = 8;
/** The longest word the counters answer (DirectoryService's totals). */
export const GRAM_MAX = 3;
const LENGTHS = Array.from({ length: GRAM_MAX }, (_, i) => i + 1);

/**
 * The grams of the document `d`, one row per place, as `select <gram> from
 * … where …` pieces (a caller adds columns and DISTINCT). SQLite has no
 * generate_series and its triggers cannot hold a WITH clause, so its places
 * come from json_each over a JSON array as long as the document ('0,'
 * repeated, made by replacing the '00' of a zero blob's hex).
 */
function gramPlaces(dialect: 'sqlite' | 'postgres', d: string) {
  if (dialect === 'sqlite') {
    const gram = `substr(${d}, p.key + 1, k.k)`;
    return {
      gram,
      from: `json_each('[' || rtrim(replace(hex(zeroblob(length(${d}))), '00', '0,'), ',') || ']') p,
           (${LENGTHS.map((k) => `select ${k} as k`).join(' union all ')}) k`,
      where: `p.key + k.k <= length(${d}) and instr(${gram}, ' ') = 0 and instr(${gram}, char(31)) = 0`,
    };
  }
  const gram = `substr(${d}, i, k)`;
  return {
    gram,
    from: `generate_series(1, length(${d})) i, (values ${LENGTHS.map((k) => `(${k})`).join(', ')}) k(k)`,
    where: `i + k - 1 <= length(${d}) and strpos(${gram}, ' ') = 0 and strpos(${gram}, chr(31)) = 0`,
  };
}

/** The distinct grams of the document `d`, as rows of column `g`. */
const gramsOf = (dialect: 'sqlite' | 'postgres', d: string) => {
  const { gram, from, where } = gramPlaces(dialect, d);
  return `select distinct ${gram} as g from ${from} where ${where}`;
};

/**
 * Moves the counters from the entry as it was (`before`, or null) to the entry
 * as it is (`after`, or null): -1 for each gram of a listed old document, +1
 * for each of a listed new one, only where the two differ.
 */
const moveCounters = (dialect: 'sqlite' | 'postgres', before: string | null, after: string | null) => {
  const parts = [
    ...(before
      ? [`select g, -1 as d from (${gramsOf(dialect, `${before}.doc`)}) o where ${before}.listed = 1`]
      : []),
    ...(after
      ? [`select g, 1 as d from (${gramsOf(dialect, `${after}.doc`)}) o where ${after}.listed = 1`]
      : []),
  ];
  const id = `${after ?? before}.id`;
  const n = dialect === 'sqlite' ? 'n' : 'directory_gram_counts.n';
  // `where true`: SQLite would read a bare ON CONFLICT after the SELECT as a join's ON.
  const move = `insert into directory_gram_counts (gram, shard, n)
    select g, ${id} % ${GRAM_SHARDS}, sum(d) from (${parts.join(' union all ')}) moved
    where true group by g having sum(d) <> 0 order by g
    on conflict (gram, shard) do update set n = ${n} + excluded.n`;
  // Counters the old document's grams brought to 0 go, so the table holds the grams in use only.
  const prune = before
    ? `; delete from directory_gram_counts where shard = ${id} % ${GRAM_SHARDS} and n = 0
        and gram in (${gramsOf(dialect, `${before}.doc`)})`
    : '';
  return move + prune;
};

export const directoryGrams: RosterMigration = {
  async up(db, dialect) {
    await db.schema
      .createTable('directory_gram_counts')
      .addColumn('gram', 'text', (c) => c.notNull())
      .addColumn('shard', 'integer', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('directory_gram_counts_pk', ['gram', 'shard'])
      .execute();
    const run = (text: string) => sql.raw(text).execute(db);
    const { gram, from, where } = gramPlaces(dialect, 's.doc');
    await run(`insert into directory_gram_counts (gram, shard, n)
      select g, id % ${GRAM_SHARDS}, count(*) from (
        select distinct s.id, ${gram} as g from user_search s, ${from} where s.listed = 1 and ${where}
      ) grams group by g, id % ${GRAM_SHARDS}`);
    if (dialect === 'sqlite') {
      await run(`create trigger directory_grams_ai after insert on user_search begin
        ${moveCounters(dialect, null, 'new')}; end`);
      await run(`create trigger directory_grams_ad after delete on user_search begin
        ${moveCounters(dialect, 'old', null)}; end`);
      await run(`create trigger directory_grams_au after update of doc, listed on user_search begin
        ${moveCounters(dialect, 'old', 'new')}; end`);
    } else {
      await run(`create function directory_grams_entry() returns trigger language plpgsql as $$
        begin
          if tg_op = 'INSERT' then ${moveCounters(dialect, null, 'new')};
          elsif tg_op = 'DELETE' then ${moveCounters(dialect, 'old', null)};
          else ${moveCounters(dialect, 'old', 'new')};
          end if;
          return null;
        end $$`);
      await run(`create trigger directory_grams_entry
        after insert or delete or update of doc, listed on user_search
        for each row execute function directory_grams_entry()`);
    }
  },
  async down(db, dialect) {
    if (dialect === 'sqlite') {
      for (const name of ['ai', 'ad', 'au'])
        await sql.raw(`drop trigger directory_grams_${name}`).execute(db);
    } else {
      await sql`drop trigger directory_grams_entry on user_search`.execute(db);
      await sql`drop function directory_grams_entry()`.execute(db);
    }
    await db.schema.dropTable('directory_gram_counts').execute();
  },
};
