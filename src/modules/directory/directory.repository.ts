// Directory queries. Substring search uses the engine's own index: the FTS5
// trigram table on SQLite (a phrase per term), pg_trgm's GIN index on
// PostgreSQL (a LIKE per term). Terms under three characters carry no
// trigram, so they are checked with LIKE on the stored document instead.
// Pages are keyset on the user id (UUIDv7, so creation order): a user added
// while someone pages sorts after every id already handed out.
import { type SelectQueryBuilder, sql } from 'kysely';
import type { Dialect } from '../../platform/db/database.ts';
import type { Tables } from '../../platform/db/database.types.ts';
import type { Executor } from '../../platform/db/executor.ts';
import type { UserRole } from '../accounts/accounts.table.ts';

export interface DirectoryQuery {
  /** Lower-cased words; each must occur in the user's search document. */
  readonly terms: readonly string[];
  readonly role?: UserRole;
  /** Tag keys; the user must carry all of them. */
  readonly tags: readonly string[];
  readonly completenessMin?: number;
  readonly completenessMax?: number;
  /** The last id of the previous page. */
  readonly after?: string;
  readonly limit: number;
}

/** A query of user ids the viewer must not see; the social graph supplies blocks here. */
export type HiddenUsers = (
  db: Executor,
  viewerId: string,
) => SelectQueryBuilder<Tables, keyof Tables, { id: string }>;

export async function writeSearchDocument(db: Executor, userId: string, doc: string): Promise<void> {
  await db
    .insertInto('user_search')
    .values({ user_id: userId, doc })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ doc }))
    .execute();
}

export async function deleteSearchDocument(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('user_search').where('user_id', '=', userId).execute();
}

/** `%`, `_` and the escape itself taken literally. */
const likeContains = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
/** An FTS5 phrase: the term in double quotes, inner quotes doubled. */
const ftsPhrase = (term: string) => `"${term.replaceAll('"', '""')}"`;
const TRIGRAM = 3;
const containing = (term: string) => sql<boolean>`s.doc like ${likeContains(term)} escape '\\'`;

/** The query for ids of matching active users, in id order; `limit + 1` rows tell whether a next page exists. */
export function searchQuery(
  db: Executor,
  dialect: Dialect,
  query: DirectoryQuery,
  hidden: readonly SelectQueryBuilder<Tables, keyof Tables, { id: string }>[],
) {
  const indexed = query.terms.filter((t) => [...t].length >= TRIGRAM);
  const short = query.terms.filter((t) => [...t].length < TRIGRAM);
  let qb = db
    .selectFrom('users as u')
    .innerJoin('profiles as p', 'p.user_id', 'u.id')
    .select('u.id')
    .where('u.status', '=', 'active');

  if (dialect === 'postgres' && indexed.length > 0) {
    // The GIN index finds the matches first; OFFSET 0 keeps the planner from
    // folding them into a walk of every user in id order.
    let hits = db.selectFrom('user_search as s').select('s.user_id');
    for (const term of query.terms) hits = hits.where(containing(term));
    qb = qb.where('u.id', 'in', hits.offset(0));
  } else if (query.terms.length > 0) {
    qb = qb.innerJoin('user_search as s', 's.user_id', 'u.id');
    if (indexed.length > 0) {
      // SQLite: the FTS table's index answers the long terms.
      const match = indexed.map(ftsPhrase).join(' AND ');
      qb = qb.where(
        sql<boolean>`s.rowid in (select rowid from user_search_fts where user_search_fts match ${match})`,
      );
    }
    // Short terms have no trigram: checked on each candidate (the whole
    // directory, in id order, when no long term narrows it first).
    for (const term of short) qb = qb.where(containing(term));
  }
  if (query.role) qb = qb.where('u.role', '=', query.role);
  if (query.completenessMin !== undefined) qb = qb.where('p.completeness', '>=', query.completenessMin);
  if (query.completenessMax !== undefined) qb = qb.where('p.completeness', '<=', query.completenessMax);
  for (const key of query.tags) {
    qb = qb.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('user_tags as t')
          .select('t.user_id')
          .whereRef('t.user_id', '=', 'u.id')
          .where('t.tag_key', '=', key),
      ),
    );
  }
  for (const ids of hidden) qb = qb.where('u.id', 'not in', ids);
  if (query.after !== undefined) qb = qb.where('u.id', '>', query.after);
  return qb.orderBy('u.id').limit(query.limit + 1);
}

export async function searchUserIds(...args: Parameters<typeof searchQuery>): Promise<string[]> {
  return (await searchQuery(...args).execute()).map((r) => r.id);
}
