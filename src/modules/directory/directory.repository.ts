// Directory queries, on the directory's own read model (directory.table.ts).
// Substring search uses the engine's own index: the FTS5 trigram table on
// SQLite (a phrase per term, case-sensitive: documents and terms are
// lower-cased already), pg_trgm's GIN index on PostgreSQL (a LIKE per term).
// Terms under three characters carry no trigram, so they are checked with
// LIKE on the stored document instead. Pages are keyset on the entry's
// id, given at sign-up: a user who joins while someone pages sorts after every
// entry already handed out.
import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Dialect } from '../../platform/db/database.ts';
import type { Tables } from '../../platform/db/database.types.ts';
import type { Executor } from '../../platform/db/executor.ts';
import { contains } from '../../platform/db/like.ts';
import type { UserRole } from '../users/index.ts';
import { FIELD_SEPARATOR } from './search-document.ts';

export interface DirectoryQuery {
  /** Lower-cased words; each must occur in the user's search document. */
  readonly terms: readonly string[];
  /** The roles a user may hold to match (the service decides which a viewer may filter by). */
  readonly roles?: readonly UserRole[];
  /** The account type a user must have. */
  readonly accountType?: string;
  /** Tag keys; the user must carry all of them. */
  readonly tags: readonly string[];
  /** On the public score: what others can see. */
  readonly completenessMin?: number;
  readonly completenessMax?: number;
  /** The place (`user_search.id`) of the previous page's last user. */
  readonly after?: number;
  /**
   * A filter few users pass, to start from instead of walking every entry
   * (see narrowestFilter): a rare tag, or a rare completeness range.
   */
  readonly start?: Start;
  readonly limit: number;
}

/** A condition on the user column it names: true when the viewer may see that user (the social graph supplies blocks). */
export type Visibility = (dialect: Dialect, viewerId: string, userColumn: string) => RawBuilder<boolean>;

/** The user-id column of the search entry, for Visibility conditions. */
export const ENTRY_USER = 's.user_id';

/** What the directory keeps of a user: written whole by its hooks. */
export interface SearchEntry {
  readonly doc: string;
  /** Whether others may see the account at all (active, a verified address or number). */
  readonly listed: boolean;
  readonly role: UserRole;
  readonly accountType: string | null;
  readonly publicCompleteness: number;
  /** Tag keys. */
  readonly tags: readonly string[];
}

/**
 * Writes a user's entry as `entry` says, touching only what differs: an
 * unchanged document is not written again (its full-text index would be).
 */
export async function writeSearchEntry(db: Executor, userId: string, entry: SearchEntry): Promise<void> {
  const tags = [...new Set(entry.tags)].sort();
  const row = {
    doc: entry.doc,
    tag_keys: tagKeysText(tags),
    listed: entry.listed ? 1 : 0,
    role: entry.role,
    account_type: entry.accountType,
    public_completeness: entry.publicCompleteness,
  };
  const held = await db
    .selectFrom('user_search')
    .select(['doc', 'listed', 'role', 'account_type', 'public_completeness', 'tag_keys'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!held) {
    await db
      .insertInto('user_search')
      .values({ user_id: userId, ...row })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
      .execute();
  } else {
    const changed = Object.fromEntries(
      Object.entries(row).filter(([column, value]) => held[column as keyof typeof held] !== value),
    );
    if (Object.keys(changed).length > 0)
      await db.updateTable('user_search').set(changed).where('user_id', '=', userId).execute();
  }
  // tag_keys mirrors user_search_tags (both written here, 0025 filled it from them).
  if ((held?.tag_keys ?? '') !== row.tag_keys) {
    await db.deleteFrom('user_search_tags').where('user_id', '=', userId).execute();
    if (tags.length > 0)
      await db
        .insertInto('user_search_tags')
        // In key order: the counters the trigger takes (directory_counts) are then locked in one order.
        .values(tags.map((key) => ({ user_id: userId, tag_key: key })))
        .execute();
  }
}

export async function deleteSearchEntry(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('user_search_tags').where('user_id', '=', userId).execute();
  await db.deleteFrom('user_search').where('user_id', '=', userId).execute();
}

/** A listed user's place in the directory (`user_search.id`) when the viewer's conditions show them, or null. */
export async function findListedPlace(
  db: Executor,
  userId: string,
  visible: readonly RawBuilder<boolean>[],
): Promise<number | null> {
  let qb = db
    .selectFrom('user_search as s')
    .select('s.id')
    .where('s.user_id', '=', userId)
    .where('s.listed', '=', 1);
  for (const condition of visible) qb = qb.where(condition);
  const row = await qb.executeTakeFirst();
  return row ? Number(row.id) : null;
}

/** The tag keys as the entry's `tag_keys` holds them: each between two separators. */
export const tagKeysText = (keys: readonly string[]) =>
  keys.length === 0 ? '' : `${FIELD_SEPARATOR}${keys.join(FIELD_SEPARATOR)}${FIELD_SEPARATOR}`;

/** An FTS5 phrase: the term in double quotes, inner quotes doubled. */
const ftsPhrase = (term: string) => `"${term.replaceAll('"', '""')}"`;
/**
 * The FTS5 query for the terms the text index can look up and the tags
 * (SQLite): each a phrase in its column, all of them required.
 */
const ftsMatch = (query: Pick<DirectoryQuery, 'terms' | 'tags'>) =>
  [
    ...query.terms.filter(isIndexed).map((term) => `doc : ${ftsPhrase(term)}`),
    ...query.tags.map((key) => `tag_keys : ${ftsPhrase(tagKeysText([key]))}`),
  ].join(' AND ');

/**
 * How many listed entries hold every term and tag, read from SQLite's text
 * index alone (it holds listed entries only, migration 0026): no entry is
 * read, where counting the rows would read every match. Every term must be
 * one the index looks up.
 */
export async function countTextMatches(
  db: Executor,
  query: Pick<DirectoryQuery, 'terms' | 'tags'>,
): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from user_search_fts where user_search_fts match ${ftsMatch(query)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/** Trigram indexes (FTS5's, pg_trgm's) can look up a term of three characters or more. */
export const isIndexed = (term: string) => [...term].length >= 3;

/**
 * Matching active users in sign-up order (`user_search.id`), `limit + 1` of
 * them so the caller knows whether a next page exists. Both engines can walk
 * that order and stop early: SQLite walks the FTS5 matches in rowid order, and
 * PostgreSQL chooses between walking the ids and the trigram index by its
 * statistics (autovacuum keeps them; a bulk load wants an ANALYZE).
 */
function matchQuery(
  db: Executor,
  dialect: Dialect,
  query: DirectoryQuery,
  visible: readonly RawBuilder<boolean>[],
) {
  const indexed = query.terms.filter(isIndexed);
  // SQLite has no statistics to see that a walk in order stops after a page:
  // its planner would take a role or completeness index and sort every match.
  // `+column` hides those indexes from it (they serve `start` below instead);
  // PostgreSQL weighs both ways itself.
  const walked = (column: 's.role' | 's.account_type' | 's.public_completeness') =>
    dialect === 'sqlite' ? sql.raw(`+${column}`) : sql.ref(column);
  let qb = db
    .selectFrom('user_search as s')
    .select(['s.id as seq', 's.user_id as id'])
    .where('s.listed', '=', 1);
  const textIndexed = dialect === 'sqlite' && indexed.length > 0;
  if (textIndexed) {
    // The FTS index answers the long terms; SQLite walks its rowids (= s.id)
    // in order. Tags are checked on the rows that walk meets: a tag's phrase
    // in the index costs more than the few rows a page reads.
    qb = qb.where(
      sql<boolean>`s.id in (select rowid from user_search_fts where user_search_fts match ${ftsMatch({ terms: query.terms, tags: [] })})`,
    );
  }
  // PostgreSQL's GIN index serves LIKE itself; terms under three characters
  // have no trigram and are checked row by row on either engine. Both
  // engines match a term as written (SQLite's index is case-sensitive, 0026).
  for (const term of dialect === 'sqlite' ? query.terms.filter((t) => !isIndexed(t)) : query.terms)
    qb = qb.where(contains('s.doc', term));
  if (query.roles) qb = qb.where(walked('s.role'), 'in', query.roles);
  if (query.accountType !== undefined) qb = qb.where(walked('s.account_type'), '=', query.accountType);
  if (query.completenessMin !== undefined)
    qb = qb.where(walked('s.public_completeness'), '>=', query.completenessMin);
  if (query.completenessMax !== undefined)
    qb = qb.where(walked('s.public_completeness'), '<=', query.completenessMax);
  // On the row itself (see tag_keys); PostgreSQL's trigram index serves it
  // too. A start from the tags (SQLite) has them all already, from the index.
  if (query.start !== 'tag')
    for (const key of query.tags) qb = qb.where(contains('s.tag_keys', tagKeysText([key])));
  for (const condition of visible) qb = qb.where(condition);
  if (query.start) qb = qb.where('s.user_id', 'in', candidates(db, query.start, query));
  return qb;
}

export function searchQuery(
  db: Executor,
  dialect: Dialect,
  query: DirectoryQuery,
  visible: readonly RawBuilder<boolean>[],
) {
  let qb = matchQuery(db, dialect, query, visible);
  if (query.after !== undefined) qb = qb.where('s.id', '>', query.after);
  return qb.orderBy('s.id').limit(query.limit + 1);
}

/** How many entries match, for numbered pages (`total`). */
export async function countMatches(...args: Parameters<typeof matchQuery>): Promise<number> {
  const row = await matchQuery(...args)
    .clearSelect()
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The matches of a numbered page: `limit` of them from `offset` on, in sign-up
 * order. `sort` (the matches are few, their number known): PostgreSQL reads
 * them by their filters' indexes and sorts them, where its statistics, which
 * cannot tell a rare word from a common one, would walk the whole order
 * looking for them. SQLite's plan is the query's `start`.
 */
export async function pageOfMatches(
  db: Executor,
  dialect: Dialect,
  query: DirectoryQuery,
  visible: readonly RawBuilder<boolean>[],
  offset: number,
  sort = false,
): Promise<string[]> {
  const rows = await matchQuery(db, dialect, query, visible)
    // `s.id + 0` is the same order with no index to walk it by.
    .orderBy(sort && dialect === 'postgres' ? sql`s.id + 0` : sql.ref('s.id'))
    .limit(query.limit)
    .offset(offset)
    .execute();
  return rows.map((r) => r.id);
}

/** The page's users, each with its place in the order (the next cursor's key). */
export async function searchUsers(
  ...args: Parameters<typeof searchQuery>
): Promise<{ seq: number; id: string }[]> {
  return (await searchQuery(...args).execute()).map((r) => ({ seq: Number(r.seq), id: r.id }));
}

/** Where a search starts instead of walking every entry: a filter few users pass. */
export type Start = 'tag' | 'role' | 'completeness';

/**
 * A walk in order reads about limit × total / matches entries at ~0.3 µs each;
 * starting from a filter's index reads every match at ~5 µs each (measured on
 * SQLite, 100,000 users). Starting wins below √(limit × total × 0.06) matches:
 * about 350 at 100,000 users, 1,100 at a million.
 */
const WALK_TO_START_COST = 0.06;

/** How many entries a walk in order may pass: the last entry's place (an index lookup, not a count). */
export async function entriesHeld(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('user_search')
    .select((eb) => eb.fn.max('id').as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Below how many matches reading them all beats walking the order to a page ending `depth` entries in. */
export const rareBelow = (depth: number, entries: number) =>
  Math.max(1, Math.floor(Math.sqrt(depth * entries * WALK_TO_START_COST)));

/** The users one filter lets through, by that filter's own index. */
function candidates(
  db: Executor,
  start: Start,
  query: DirectoryQuery,
): SelectQueryBuilder<Tables, keyof Tables, { id: string }> {
  if (start === 'tag') {
    // Every tag's users, met in the tag index alone (INTERSECT), no entry read.
    const [first, ...more] = query.tags.map((key) =>
      db.selectFrom('user_search_tags').select('user_id as id').where('tag_key', '=', key),
    );
    return more.reduce((all, next) => all.intersect(next), first!);
  }
  if (start === 'role')
    return db.selectFrom('user_search').select('user_id as id').where('role', 'in', query.roles!);
  let inRange = db.selectFrom('user_search').select('user_id as id');
  if (query.completenessMin !== undefined)
    inRange = inRange.where('public_completeness', '>=', query.completenessMin);
  if (query.completenessMax !== undefined)
    inRange = inRange.where('public_completeness', '<=', query.completenessMax);
  return inRange;
}

/**
 * Picks where a search without an indexed term should start on SQLite: from the tag
 * used least (`usageOf`: the profiles' counts of each tag), from the role or the completeness
 * index when that role or range is rare (counted up to a cap), or from the
 * ordered walk. A tag, role or range nobody has means no match at all. Tags
 * come back rarest first.
 */
export async function narrowestFilter(
  db: Executor,
  dialect: Dialect,
  query: DirectoryQuery,
  usageOf: (tagKeys: readonly string[]) => Promise<ReadonlyMap<string, number>>,
): Promise<{ tags: string[]; start?: Start } | 'none'> {
  // PostgreSQL's planner weighs this itself from its statistics; SQLite has none.
  const planned = dialect === 'sqlite';
  if (query.terms.some(isIndexed)) return { tags: [...query.tags] };
  const rare = rareBelow(query.limit + 1, await entriesHeld(db));
  let tags = [...query.tags];
  if (tags.length > 0) {
    const usage = await usageOf(tags);
    tags = tags.sort((a, b) => (usage.get(a) ?? 0) - (usage.get(b) ?? 0));
    const fewest = usage.get(tags[0]!) ?? 0;
    if (fewest === 0) return 'none';
    if (planned && fewest <= rare) return { tags, start: 'tag' };
  }
  if (!planned) return { tags };
  // Counted up to the cap through the filter's index: enough to tell rare from not.
  const fewest = async (start: Start) =>
    Number(
      (
        await db
          .selectFrom(
            candidates(db, start, query)
              .limit(rare + 1)
              .as('c'),
          )
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const others: Start[] = [
    ...(query.roles !== undefined ? (['role'] as const) : []),
    ...(query.completenessMin !== undefined || query.completenessMax !== undefined
      ? (['completeness'] as const)
      : []),
  ];
  for (const start of others) {
    const n = await fewest(start);
    if (n === 0) return 'none';
    if (n <= rare) return { tags, start };
  }
  return { tags };
}
