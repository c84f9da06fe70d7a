// GET /v1/users at 100,000 users: substring search (long and short terms of
// varying selectivity), tag and completeness filters, a term with a tag, and a
// second page. Each kind alone, one request at a time (latency without
// queueing), then all of them mixed over 8 connections (throughput). Below
// HTTP, each kind's SQL straight from searchQuery() on the same database.
// The users are seeded directly (bench/seed-users.ts) on first use and reused.

import { openDatabase } from '../../src/platform/db/database.ts';
import { ACTIVITY_BENCH_ENV, createAccounts, SIGN_IN_BENCH_ENV, signIn } from '../accounts.ts';
import { timeEach } from '../report.ts';
import {
  countMatches,
  percentile,
  SEARCH_KINDS,
  type SearchKind,
  searchPath,
  sqlQueryOf,
  timeQuery,
} from '../search-queries.ts';
import { SEARCH_USERS, searchDatabaseTarget, seedUsers } from '../seed-users.ts';
import { startBenchServer, stopBenchServer } from '../server.ts';

const SEQUENTIAL = { requests: 200, seconds: 5 };
const MIXED = { connections: 8, seconds: 10 };

const USERS = Number(process.env.BENCH_SEARCH_USERS ?? SEARCH_USERS);

export async function search(): Promise<Record<string, unknown>> {
  const target = searchDatabaseTarget(USERS);
  const seed = await seedUsers(target, USERS);

  // The SQL alone, before the server runs, on a connection of our own.
  const sqlFigures = new Map<string, { matches: number; sqlP50Ms: number; sqlP95Ms: number }>();
  const database = openDatabase(target, { poolSize: 1 });
  try {
    for (const kind of SEARCH_KINDS) {
      const query = await sqlQueryOf(database, kind);
      const times = await timeQuery(database, query);
      sqlFigures.set(kind.name, {
        matches: await countMatches(database, query),
        sqlP50Ms: percentile(times, 50),
        sqlP95Ms: percentile(times, 95),
      });
    }
  } finally {
    await database.close();
  }

  const server = await startBenchServer({
    ...SIGN_IN_BENCH_ENV,
    ...ACTIVITY_BENCH_ENV,
    ...(target.dialect === 'sqlite' ? { DATABASE_URL: `sqlite:${target.path}` } : {}),
  });
  try {
    const [email] = await createAccounts(server.url, 1);
    const { accessToken } = await signIn(server.url, email!);
    const headers = { authorization: `Bearer ${accessToken}` };
    const get = async (path: string) => {
      const r = await fetch(`${server.url}${path}`, { headers });
      const body = await r.text();
      if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${body}`);
      return JSON.parse(body) as { items: unknown[]; nextCursor: string | null };
    };
    const pathOf = async (kind: SearchKind) => {
      if (!kind.secondPage) return searchPath(kind);
      const first = await get(searchPath(kind));
      if (first.nextCursor === null) throw new Error(`${kind.name}: the first page is the last`);
      return searchPath(kind, first.nextCursor);
    };
    const paths = new Map<string, string>();
    for (const kind of SEARCH_KINDS) paths.set(kind.name, await pathOf(kind));

    // Each kind alone, one request at a time: a warm-up, then bounded in count and time.
    const kinds: Record<string, unknown> = {};
    const sequential: number[] = [];
    for (const kind of SEARCH_KINDS) {
      const path = paths.get(kind.name)!;
      let items = 0;
      for (let i = 0; i < 5; i++) items = (await get(path)).items.length;
      const times = await timeEach(() => get(path), SEQUENTIAL);
      sequential.push(...times);
      kinds[kind.name] = {
        ...sqlFigures.get(kind.name),
        items,
        requests: times.length,
        latencyP50Ms: percentile(times, 50),
        latencyP95Ms: percentile(times, 95),
        latencyP99Ms: percentile(times, 99),
      };
    }

    // All kinds mixed, round-robin on each connection, for a fixed time.
    const mixed: number[] = [];
    let non2xx = 0;
    let errors = 0;
    const all = SEARCH_KINDS.map((k) => paths.get(k.name)!);
    const t0 = performance.now();
    const end = t0 + MIXED.seconds * 1000;
    await Promise.all(
      Array.from({ length: MIXED.connections }, async (_, c) => {
        for (let i = c; performance.now() < end; i++) {
          const start = performance.now();
          try {
            const r = await fetch(`${server.url}${all[i % all.length]}`, { headers });
            await r.arrayBuffer();
            if (r.status !== 200) non2xx++;
            mixed.push(performance.now() - start);
          } catch {
            errors++;
          }
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;

    return {
      users: USERS,
      seed,
      kinds,
      sequential: {
        requests: sequential.length,
        latencyP50Ms: percentile(sequential, 50),
        latencyP95Ms: percentile(sequential, 95),
        latencyP99Ms: percentile(sequential, 99),
      },
      mixed: {
        connections: MIXED.connections,
        durationSeconds: MIXED.seconds,
        requestsPerSecond: Math.round(mixed.length / elapsed),
        latencyP50Ms: percentile(mixed, 50),
        latencyP95Ms: percentile(mixed, 95),
        latencyP99Ms: percentile(mixed, 99),
        non2xx,
        errors,
      },
    };
  } finally {
    await stopBenchServer(server);
  }
}
