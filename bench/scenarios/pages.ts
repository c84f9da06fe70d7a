// Numbered directory pages with their exact totals (seed 003's
// GET /v1/account/user, the native GET /v1/users?page=) at 100,000 users:
// every kind of filter (none, search terms long and short, tags, a role,
// completeness, owner, combinations) on page 1 and a deep page, each kind
// alone, one request at a time (latency without queueing). The users are the
// search scenario's (bench/seed-users.ts), seeded on first use and reused.

import { ACTIVITY_BENCH_ENV, SIGN_IN_BENCH_ENV, signedInGet } from '../accounts.ts';
import { timeEach } from '../report.ts';
import { percentile } from '../search-queries.ts';
import { SEARCH_USERS, searchDatabaseTarget, seedUsers } from '../seed-users.ts';
import { startBenchServer, stopBenchServer } from '../server.ts';

const SEQUENTIAL = { requests: 200, seconds: 5 };
const USERS = Number(process.env.BENCH_SEARCH_USERS ?? SEARCH_USERS);
const LIMIT = 12;

/** Seed 003's query parameters of each kind (match counts are in bench/README.md). */
const PAGE_KINDS: readonly { name: string; params: Record<string, string> }[] = [
  { name: 'all', params: {} },
  { name: 'all-page-500', params: { page: '500' } },
  { name: 'search-jer', params: { search: 'jer' } },
  { name: 'search-son', params: { search: 'son' } }, // the most common term
  { name: 'search-son-page-100', params: { search: 'son', page: '100' } },
  { name: 'search-two-words', params: { search: 'maria garcia' } },
  { name: 'search-two-letters', params: { search: 'an' } }, // no trigram: LIKE on every document
  { name: 'search-rare', params: { search: 'zymurgist' } },
  { name: 'tag', params: { tags: 'rust' } },
  { name: 'tags-two', params: { tags: 'python,rust' } },
  { name: 'tag-rare', params: { tags: 'beekeeping' } },
  { name: 'role-user', params: { role: 'user' } },
  { name: 'completeness-70-100', params: { profileCompletenessMin: '70', profileCompletenessMax: '100' } },
  { name: 'completeness-and-tag', params: { profileCompletenessMin: '50', tags: 'python' } },
  { name: 'search-and-tag', params: { search: 'son', tags: 'python' } },
  { name: 'owner', params: { owner: 'true' } },
];

export async function pages(): Promise<Record<string, unknown>> {
  const target = searchDatabaseTarget(USERS);
  const seed = await seedUsers(target, USERS);
  const server = await startBenchServer({
    ...SIGN_IN_BENCH_ENV,
    ...ACTIVITY_BENCH_ENV,
    // Every listed user carries the sample's four achievements.
    ROSTER_ACHIEVEMENTS: 'five-star:20,referral:10,review:60,squad:10',
    ...(target.dialect === 'sqlite' ? { DATABASE_URL: `sqlite:${target.path}` } : {}),
  });
  try {
    const fetchPage = await signedInGet(server.url);
    const get = (path: string) => fetchPage<{ data: { total: number; data: unknown[] } }>(path);
    const kinds: Record<string, unknown> = {};
    const all: number[] = [];
    // BENCH_PAGE_KINDS=all,tag runs those kinds alone (for profiling one).
    const only = process.env.BENCH_PAGE_KINDS?.split(',');
    for (const kind of PAGE_KINDS.filter((k) => !only || only.includes(k.name))) {
      const path = `/v1/account/user?${new URLSearchParams({ limit: String(LIMIT), ...kind.params })}`;
      let reply = await get(path);
      for (let i = 0; i < 4; i++) reply = await get(path);
      const times = await timeEach(() => get(path), SEQUENTIAL);
      all.push(...times);
      kinds[kind.name] = {
        total: reply.data.total,
        items: reply.data.data.length,
        requests: times.length,
        latencyP50Ms: percentile(times, 50),
        latencyP95Ms: percentile(times, 95),
      };
    }
    return {
      users: USERS,
      seed,
      limit: LIMIT,
      kinds,
      worstP95Ms: Math.max(...Object.values(kinds).map((k) => (k as { latencyP95Ms: number }).latencyP95Ms)),
      overall: { requests: all.length, latencyP50Ms: percentile(all, 50), latencyP95Ms: percentile(all, 95) },
    };
  } finally {
    await stopBenchServer(server);
  }
}
