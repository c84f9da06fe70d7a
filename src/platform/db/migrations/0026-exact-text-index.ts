// SQLite's text index matches words as they are written. FTS5's trigram
// tokenizer folds case by default, and its folding reaches further than lower
// case (ſ as s, ς as σ, K as k): a word found that way is not in the document
// as the gram counters (0024) and PostgreSQL's LIKE see it, so a page could
// hold users its total did not count. Documents and words are lower-cased
// before they meet the index, so a case-sensitive index loses nothing. The
// index is rebuilt from the entries; the triggers that keep it (0007) name
// the table, not its options, and stay.
import { sql } from 'kysely';
import type { RosterMigration } from './migration.ts';

const rebuild = async (db: Parameters<RosterMigration['up']>[0], tokenize: string) => {
  await sql`drop table user_search_fts`.execute(db);
  await sql
    .raw(`create virtual table user_search_fts using fts5(
      doc, content='user_search', content_rowid='id', tokenize='${tokenize}')`)
    .execute(db);
  await sql`insert into user_search_fts(user_search_fts) values ('rebuild')`.execute(db);
};

export const exactTextIndex: RosterMigration = {
  async up(db, dialect) {
    if (dialect === 'sqlite') await rebuild(db, 'trigram case_sensitive 1');
  },
  async down(db, dialect) {
    if (dialect === 'sqlite') await rebuild(db, 'trigram');
  },
};
