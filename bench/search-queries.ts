// The directory queries of the `search` scenario, and what it measures below
// HTTP: each query's SQL from the product's own searchQuery(), its time and
// its plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL).
import { CompiledQuery } from 'kysely';
import { decodeCursor } from '../src/http/pagination.ts';
import {
  type DirectoryQuery,
  ENTRY_USER,
  narrowestFilter,
  searchQuery,
} from '../src/modules/directory/directory.repository.ts';
import { searchTerms } from '../src/modules/directory/search-document.ts';
import { tagUsage } from '../src/modules/profiles/tags.repository.ts';
import { tagKey } from '../src/modules/profiles/tags.ts';
import { visibleTo } from '../src/modules/social/social.repository.ts';
import type { Database } from '../src/platform/db/database.ts';
import { newId } from '../src/platform/ids.ts';

export const LIMIT = 20;

export interface SearchKind {
  readonly name: string;
  /** GET /v1/users query parameters, besides `limit`. */
  readonly params: Readonly<Record<string, string>>;
  /** Ask for the page after the first (the first page's nextCursor). */
  readonly secondPage?: true;
}

// Match counts at 100,000 seeded users are in bench/README.md.
export const SEARCH_KINDS: readonly SearchKind[] = [
  { name: 'q-prefix-jer', params: { q: 'jer' } }, // Jeremy, Jerome, Majerle, Meijer…
  { name: 'q-infix-son', params: { q: 'son' } }, // Johnson, Allison, Madison…: the most common
  { name: 'q-infix-ann', params: { q: 'ann' } },
  { name: 'q-last-name', params: { q: 'nakamura' } },
  { name: 'q-full-name', params: { q: 'maria garcia' } }, // two terms
  { name: 'q-rare-word', params: { q: 'zymurgist' } },
  { name: 'q-two-letters', params: { q: 'an' } }, // no trigram: LIKE on the document
  { name: 'q-two-letters-rare', params: { q: 'xu' } },
  { name: 'tag', params: { tags: 'rust' } },
  { name: 'tag-rare', params: { tags: 'beekeeping' } },
  { name: 'tags-two', params: { tags: 'python,rust' } },
  { name: 'completeness-min-80', params: { completenessMin: '80' } },
  { name: 'q-and-tag', params: { q: 'son', tags: 'python' } },
  { name: 'q-page-2', params: { q: 'son' }, secondPage: true },
];

export function searchPath(kind: SearchKind, cursor?: string): string {
  const query = new URLSearchParams({ ...kind.params, limit: String(LIMIT) });
  if (cursor !== undefined) query.set('cursor', cursor);
  return `/v1/users?${query}`;
}

/** The repository query the service builds for these parameters (directory.service.ts). */
export function directoryQueryOf(params: Readonly<Record<string, string>>, cursor?: string): DirectoryQuery {
  const after = decodeCursor(cursor);
  return {
    terms: searchTerms(params.q ?? ''),
    tags: [...new Set((params.tags ?? '').split(',').map(tagKey).filter(Boolean))],
    limit: LIMIT,
    ...(params.completenessMin !== undefined ? { completenessMin: Number(params.completenessMin) } : {}),
    ...(after !== undefined ? { after: Number(after) } : {}),
  };
}

// As the server builds it (compose.ts): with the social graph's blocks, here
// of a viewer who blocks nobody and whom nobody blocks.
const VIEWER = newId();
const build = (database: Database, query: DirectoryQuery) =>
  searchQuery(database.db, database.dialect, query, [visibleTo(database.dialect, VIEWER, ENTRY_USER)]);

/** The query of a kind; for the second page, the first page is fetched to find where it ends. */
export async function sqlQueryOf(database: Database, kind: SearchKind): Promise<DirectoryQuery> {
  // Where the service starts the search (a rare tag or completeness range) is part of the query.
  const unplanned = directoryQueryOf(kind.params);
  const plan = await narrowestFilter(database.db, database.dialect, unplanned, (keys) =>
    tagUsage(database.db, keys),
  );
  const first = plan === 'none' ? unplanned : { ...unplanned, ...plan };
  if (!kind.secondPage) return first;
  const seqs = (await build(database, first).execute()).map((r) => Number(r.seq));
  if (seqs.length <= LIMIT) throw new Error(`${kind.name}: the first page is the last`);
  return { ...first, after: seqs[LIMIT - 1]! };
}

/** How many users match in all (the query without its limit). */
export async function countMatches(database: Database, query: DirectoryQuery): Promise<number> {
  const row = await database.db
    .selectFrom(
      build(database, { ...query, after: undefined })
        .clearLimit()
        .clearOrderBy()
        .as('m'),
    )
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Runs the query repeatedly: a few warm-up runs, then up to `runs` or `seconds`. */
export async function timeQuery(
  database: Database,
  query: DirectoryQuery,
  { runs = 100, seconds = 2 } = {},
): Promise<number[]> {
  const qb = build(database, query);
  for (let i = 0; i < 3; i++) await qb.execute();
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (times.length < runs && performance.now() < end) {
    const t0 = performance.now();
    await qb.execute();
    times.push(performance.now() - t0);
  }
  return times;
}

/** The SQL and its plan, one line per plan row. */
export const explain = (database: Database, query: DirectoryQuery) =>
  explainCompiled(database, build(database, query).compile());

/** A compiled query's plan: EXPLAIN QUERY PLAN on SQLite (as a tree), EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL. */
export async function explainCompiled(
  database: Database,
  compiled: CompiledQuery,
): Promise<{ sql: string; parameters: readonly unknown[]; plan: string[] }> {
  if (database.dialect === 'postgres') {
    const result = await database.db.executeQuery<{ 'QUERY PLAN': string }>(
      CompiledQuery.raw(`explain (analyze, buffers) ${compiled.sql}`, [...compiled.parameters]),
    );
    return {
      sql: compiled.sql,
      parameters: compiled.parameters,
      plan: result.rows.map((r) => r['QUERY PLAN']),
    };
  }
  const result = await database.db.executeQuery<{ id: number; parent: number; detail: string }>(
    CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
  );
  const depth = new Map<number, number>([[0, -1]]);
  const plan = result.rows.map((r) => {
    const d = (depth.get(r.parent) ?? -1) + 1;
    depth.set(r.id, d);
    return `${'  '.repeat(d)}${r.detail}`;
  });
  return { sql: compiled.sql, parameters: compiled.parameters, plan };
}

/** Nearest-rank percentile of unsorted samples, in ms to 0.1. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const value = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  return Math.round(value * 10) / 10;
}
