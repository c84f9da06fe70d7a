// SQLite's text index, remade so that it alone can count a search:
// - Case-sensitive. FTS5's trigram tokenizer folds case by default, and its
//   folding reaches further than lower case (ſ as s, ς as σ): a word found so
//   is not in the document as the gram counters (0024) and PostgreSQL's LIKE
//   see it. Documents and words are lower-cased before they meet the index,
//   so nothing is lost.
// - Listed entries only, so a count of its matches needs no entry read to
//   leave the others out.
// - The tag keys (0025) as a second column, so "these words and these tags"
//   is one match.
// Its triggers follow `listed` as well as the texts. The index no longer
// mirrors every row of its content table, so FTS5's 'rebuild' and
// 'integrity-check' do not apply to it; it is refilled from the listed
// entries instead.
import { sql } from 'kysely';
import type { RosterMigration } from './migration.ts';

type Db = Parameters<RosterMigration['up']>[0];

async function run(db: Db, ...statements: string[]) {
  for (const text of statements) await sql.raw(text).execute(db);
}

const dropTriggers = [
  'drop trigger user_search_ai',
  'drop trigger user_search_ad',
  'drop trigger user_search_au',
];

export const exactTextIndex: RosterMigration = {
  async up(db, dialect) {
    if (dialect !== 'sqlite') return;
    await run(
      db,
      ...dropTriggers,
      'drop table user_search_fts',
      `create virtual table user_search_fts using fts5(doc, tag_keys,
        content='user_search', content_rowid='id', tokenize='trigram case_sensitive 1')`,
      `insert into user_search_fts(rowid, doc, tag_keys)
        select id, doc, tag_keys from user_search where listed = 1`,
      `create trigger user_search_ai after insert on user_search when new.listed = 1 begin
        insert into user_search_fts(rowid, doc, tag_keys) values (new.id, new.doc, new.tag_keys); end`,
      `create trigger user_search_ad after delete on user_search when old.listed = 1 begin
        insert into user_search_fts(user_search_fts, rowid, doc, tag_keys)
          values ('delete', old.id, old.doc, old.tag_keys); end`,
      `create trigger user_search_au after update of doc, tag_keys, listed on user_search begin
        insert into user_search_fts(user_search_fts, rowid, doc, tag_keys)
          select 'delete', old.id, old.doc, old.tag_keys where old.listed = 1;
        insert into user_search_fts(rowid, doc, tag_keys)
          select new.id, new.doc, new.tag_keys where new.listed = 1; end`,
    );
  },
  async down(db, dialect) {
    if (dialect !== 'sqlite') return;
    // As 0007 and 0014 left it: every entry's document, folded case.
    await run(
      db,
      ...dropTriggers,
      'drop table user_search_fts',
      `create virtual table user_search_fts using fts5(
        doc, content='user_search', content_rowid='id', tokenize='trigram')`,
      `insert into user_search_fts(user_search_fts) values ('rebuild')`,
      `create trigger user_search_ai after insert on user_search begin
        insert into user_search_fts(rowid, doc) values (new.id, new.doc); end`,
      `create trigger user_search_ad after delete on user_search begin
        insert into user_search_fts(user_search_fts, rowid, doc) values ('delete', old.id, old.doc); end`,
      `create trigger user_search_au after update of doc on user_search begin
        insert into user_search_fts(user_search_fts, rowid, doc) values ('delete', old.id, old.doc);
        insert into user_search_fts(rowid, doc) values (new.id, new.doc); end`,
    );
  },
};
