// The lists of the `social` scenario, and what it measures below HTTP: each
// list's SQL as the product's own listEntries() builds and runs it, its time
// and its plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL).
import type {
  CompiledQuery,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { type ListEntry, type ListKey, listEntries } from '../src/modules/social/social.repository.ts';
import { firstRoundOf } from '../src/modules/social/social.service.ts';
import type { Database } from '../src/platform/db/database.ts';
import { CELEBRITY, ORDINARY } from './graph-data.ts';
import { SEED_EMAIL_DOMAIN } from './search-data.ts';
import { explainCompiled } from './search-queries.ts';

export const LIMIT = 20;

export type Owner = 'celebrity' | 'ordinary' | 'tail' | 'mostActive';

export interface ListKind {
  readonly name: string;
  readonly list: 'followers' | 'following';
  readonly owner: Owner;
  /** Page number, reached through nextCursor; `last`: the page of the 20 oldest, its cursor from SQL. */
  readonly page: number | 'last';
}

export const LIST_KINDS: readonly ListKind[] = [
  { name: 'followers-celebrity-p1', list: 'followers', owner: 'celebrity', page: 1 },
  { name: 'followers-celebrity-p50', list: 'followers', owner: 'celebrity', page: 50 },
  { name: 'followers-celebrity-p500', list: 'followers', owner: 'celebrity', page: 500 },
  { name: 'followers-celebrity-last', list: 'followers', owner: 'celebrity', page: 'last' },
  { name: 'followers-ordinary', list: 'followers', owner: 'ordinary', page: 1 },
  { name: 'followers-tail', list: 'followers', owner: 'tail', page: 1 },
  { name: 'following-most-active', list: 'following', owner: 'mostActive', page: 1 },
  { name: 'following-ordinary', list: 'following', owner: 'ordinary', page: 1 },
];

/** The deepest page reached by following nextCursor. */
export const DEEPEST_PAGE = Math.max(...LIST_KINDS.map((k) => (typeof k.page === 'number' ? k.page : 1)));

export interface Landmark {
  readonly id: string;
  readonly followers: number;
  readonly following: number;
}

/** The well-known people of the graph (bench/graph-data.ts), and the verified one who follows the most. */
export async function landmarks(database: Database): Promise<Record<Owner, Landmark>> {
  const email = (i: number) => `person-${i}@${SEED_EMAIL_DOMAIN}`;
  const rows = await database.db
    .selectFrom('users as u')
    .innerJoin('profiles as p', 'p.user_id', 'u.id')
    .select(['u.id', 'u.email', 'p.follower_count', 'p.following_count'])
    .where('u.email', 'in', [email(CELEBRITY), email(ORDINARY[0]), email(ORDINARY[1])])
    .execute();
  const active = await database.db
    .selectFrom('users as u')
    .innerJoin('profiles as p', 'p.user_id', 'u.id')
    .select(['u.id', 'u.email', 'p.follower_count', 'p.following_count'])
    .where('u.email', 'like', `person-%@${SEED_EMAIL_DOMAIN}`)
    .where('u.email_verified_at', 'is not', null)
    .orderBy('p.following_count', 'desc')
    .orderBy('u.id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const of = (r: (typeof rows)[number] | undefined): Landmark => {
    if (!r) throw new Error('the social graph is not seeded');
    return { id: r.id, followers: Number(r.follower_count), following: Number(r.following_count) };
  };
  const byEmail = (i: number) => of(rows.find((r) => r.email === email(i)));
  return {
    celebrity: byEmail(CELEBRITY),
    ordinary: byEmail(ORDINARY[0]),
    tail: byEmail(ORDINARY[1]),
    mostActive: of(active),
  };
}

/** The cursor key of the page of the 20 oldest followers: the 21st oldest, as listEntries keys it. */
export async function lastPageKey(database: Database, followeeId: string): Promise<string> {
  const row = await database.db
    .selectFrom('follows')
    .select(['since', 'id'])
    .where('followee_id', '=', followeeId)
    .where('status', '=', 'following')
    .orderBy('since')
    .orderBy('id')
    .limit(1)
    .offset(LIMIT)
    .executeTakeFirstOrThrow();
  return `${row.since}|${row.id}`;
}

export interface ListQuery {
  readonly list: 'followers' | 'following';
  readonly ownerId: string;
  readonly viewerId: string;
  /** The key inside the page's cursor (decodeCursor), as the service passes it. */
  readonly after: string | undefined;
}

/** The key inside a cursor ("<time>|<id>"), as the native route reads it. */
const keyOf = (text: string | undefined): ListKey | undefined => {
  if (text === undefined) return undefined;
  const [at = '', id = ''] = text.split('|');
  return { at, id };
};

/** The cursor key of an entry, as the native route writes it. */
export const cursorKey = (e: ListEntry): string => `${e.at}|${e.id}`;

/** The query a page starts with, as the service sizes it (firstRoundOf). */
export const runList = (database: Database, q: ListQuery, db = database.db): Promise<ListEntry[]> =>
  listEntries(db, database.dialect, q.list, q.ownerId, q.viewerId, keyOf(q.after), firstRoundOf(LIMIT));

/** Runs listEntries repeatedly: a few warm-up runs, then up to `runs` or `seconds`. */
export async function timeList(
  database: Database,
  q: ListQuery,
  { runs = 200, seconds = 2 } = {},
): Promise<number[]> {
  for (let i = 0; i < 3; i++) await runList(database, q);
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (times.length < runs && performance.now() < end) {
    const t0 = performance.now();
    await runList(database, q);
    times.push(performance.now() - t0);
  }
  return times;
}

/** Remembers the last query's tree, to compile it again for EXPLAIN. */
class Capture implements KyselyPlugin {
  last: PluginTransformQueryArgs | undefined;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.last = args;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** The SQL listEntries runs for this list. */
export async function listSql(database: Database, q: ListQuery): Promise<CompiledQuery> {
  const capture = new Capture();
  await runList(database, q, database.db.withPlugin(capture));
  if (!capture.last) throw new Error('listEntries ran no query');
  return database.db.getExecutor().compileQuery(capture.last.node, capture.last.queryId);
}

export interface ListPlan {
  readonly sql: string;
  readonly parameters: readonly unknown[];
  readonly plan: string[];
  /** The follows index the plan reads. */
  readonly index: string | null;
  /** Whether the plan sorts (rather than reading the index in order). */
  readonly sorts: boolean;
}

export async function explainList(database: Database, q: ListQuery): Promise<ListPlan> {
  const explained = await explainCompiled(database, await listSql(database, q));
  const text = explained.plan.join('\n');
  return {
    ...explained,
    index: /follows_(followee|follower|requests)_idx|follows_pair_key/.exec(text)?.[0] ?? null,
    sorts:
      database.dialect === 'sqlite'
        ? /USE TEMP B-TREE FOR (RIGHT PART OF )?ORDER BY/.test(text)
        : /(^|->\s*)(Incremental )?Sort\b/m.test(text.replace(/^\s+/gm, '')),
  };
}
