// The social graph at 1,000,000 follow edges among 100,000 users: followers
// and following pages (the celebrity's first page, pages 50 and 500 reached
// through nextCursor, its last page, an ordinary user's and a tail user's
// followers, the most active user's and an ordinary user's following), each
// alone and one request at a time; below HTTP, each list's SQL straight from
// listEntries(), with its plan's index and whether it sorts; then
// follow/unfollow throughput, 8 accounts each following and unfollowing its
// own distinct targets for 10 s, and afterwards the touched users' counters
// against their edges. The graph is seeded directly (bench/seed-graph.ts) on
// first use and reused.
import { decodeCursor, encodeCursor } from '../../src/http/pagination.ts';
import { type Database, openDatabase } from '../../src/platform/db/database.ts';
import { ACTIVITY_BENCH_ENV, createAccounts, SIGN_IN_BENCH_ENV, signIn } from '../accounts.ts';
import { timeEach } from '../report.ts';
import { prng, SEED_EMAIL_DOMAIN } from '../search-data.ts';
import { percentile } from '../search-queries.ts';
import { SOCIAL_EDGES, SOCIAL_USERS, seedGraph, socialDatabaseTarget } from '../seed-graph.ts';
import { startBenchServer, stopBenchServer } from '../server.ts';
import {
  DEEPEST_PAGE,
  explainList,
  type Landmark,
  LIMIT,
  LIST_KINDS,
  landmarks,
  lastPageKey,
  type Owner,
  timeList,
} from '../social-queries.ts';

const SEQUENTIAL = { requests: 200, seconds: 5 };
const FOLLOWS = { connections: 8, warmUpSeconds: 2, seconds: 10, targetsPerConnection: 5_000 };

const USERS = Number(process.env.BENCH_SOCIAL_USERS ?? SOCIAL_USERS);
const EDGES = Number(process.env.BENCH_SOCIAL_EDGES ?? SOCIAL_EDGES);

const ms = (samples: readonly number[]) => ({
  latencyP50Ms: percentile(samples, 50),
  latencyP95Ms: percentile(samples, 95),
  latencyP99Ms: percentile(samples, 99),
});

/** Public seeded users with a verified address, other than the landmarks, shuffled the same way every time. */
async function followTargets(database: Database, exclude: readonly string[], count: number) {
  const rows = await database.db
    .selectFrom('users as u')
    .innerJoin('profiles as p', 'p.user_id', 'u.id')
    .select('u.id')
    .where('u.email', 'like', `person-%@${SEED_EMAIL_DOMAIN}`)
    .where('p.is_private', '=', false)
    .where('u.email_verified_at', 'is not', null)
    .orderBy('u.id')
    .execute();
  const ids = rows.map((r) => r.id).filter((id) => !exclude.includes(id));
  const rand = prng(42);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [ids[i], ids[j]] = [ids[j]!, ids[i]!];
  }
  return ids.slice(0, count);
}

/** Users whose follower_count or following_count differs from their accepted edges, out of `ids`. */
async function counterMismatches(database: Database, ids: readonly string[]) {
  const mismatches: {
    userId: string;
    followerCount: number;
    followers: number;
    followingCount: number;
    following: number;
  }[] = [];
  for (let k = 0; k < ids.length; k += 500) {
    const rows = await database.db
      .selectFrom('profiles as p')
      .select((eb) => [
        'p.user_id',
        'p.follower_count',
        'p.following_count',
        eb
          .selectFrom('follows as f')
          .select((e) => e.fn.countAll<number | string>().as('n'))
          .whereRef('f.followee_id', '=', 'p.user_id')
          .where('f.status', '=', 'following')
          .as('followers'),
        eb
          .selectFrom('follows as f')
          .select((e) => e.fn.countAll<number | string>().as('n'))
          .whereRef('f.follower_id', '=', 'p.user_id')
          .where('f.status', '=', 'following')
          .as('following'),
      ])
      .where('p.user_id', 'in', ids.slice(k, k + 500))
      .execute();
    for (const r of rows) {
      const row = {
        userId: r.user_id,
        followerCount: Number(r.follower_count),
        followers: Number(r.followers),
        followingCount: Number(r.following_count),
        following: Number(r.following),
      };
      if (row.followerCount !== row.followers || row.followingCount !== row.following) mismatches.push(row);
    }
  }
  return mismatches;
}

export async function social(): Promise<Record<string, unknown>> {
  const target = socialDatabaseTarget(USERS, EDGES);
  const seed = await seedGraph(target, USERS, EDGES);
  const database = openDatabase(target, { poolSize: 2 });
  try {
    const marks = await landmarks(database);
    const owners = Object.values(marks).map((m) => m.id);
    const targets = await followTargets(database, owners, FOLLOWS.connections * FOLLOWS.targetsPerConnection);
    const lastKey = await lastPageKey(database, marks.celebrity.id);

    const server = await startBenchServer({
      ...SIGN_IN_BENCH_ENV,
      ...ACTIVITY_BENCH_ENV,
      ...(target.dialect === 'sqlite' ? { DATABASE_URL: `sqlite:${target.path}` } : {}),
    });
    const cursors = new Map<string, string | undefined>();
    const kinds: Record<string, Record<string, unknown>> = {};
    const sequential: number[] = [];
    const walk: number[] = [];
    let followUnfollow: Record<string, unknown> = {};
    const touched = new Set<string>();
    try {
      const emails = await createAccounts(server.url, 1 + FOLLOWS.connections);
      const viewer = await signIn(server.url, emails[0]!);
      const followers = await Promise.all(emails.slice(1).map((e) => signIn(server.url, e)));
      for (const f of followers) touched.add(f.userId);

      const headers = { authorization: `Bearer ${viewer.accessToken}` };
      const pathOf = (list: string, owner: Landmark, cursor?: string) => {
        const query = new URLSearchParams({ limit: String(LIMIT) });
        if (cursor !== undefined) query.set('cursor', cursor);
        return `/v1/users/${owner.id}/${list}?${query}`;
      };
      const get = async (path: string) => {
        const r = await fetch(`${server.url}${path}`, { headers });
        const body = await r.text();
        if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${body}`);
        return JSON.parse(body) as { items: unknown[]; nextCursor: string | null };
      };

      // The celebrity's followers, page after page through nextCursor, one at a time.
      const cursorAt = new Map<number, string | undefined>([[1, undefined]]);
      let cursor: string | undefined;
      for (let page = 1; page < DEEPEST_PAGE; page++) {
        const t0 = performance.now();
        const body = await get(pathOf('followers', marks.celebrity, cursor));
        walk.push(performance.now() - t0);
        if (body.nextCursor === null) throw new Error(`the celebrity's followers end at page ${page}`);
        cursor = body.nextCursor;
        cursorAt.set(page + 1, cursor);
      }
      for (const kind of LIST_KINDS) {
        cursors.set(kind.name, kind.page === 'last' ? encodeCursor(lastKey) : cursorAt.get(kind.page));
      }

      // Each kind alone, one request at a time: a warm-up, then bounded in count and time.
      for (const kind of LIST_KINDS) {
        const path = pathOf(kind.list, marks[kind.owner], cursors.get(kind.name));
        let items = 0;
        let more = false;
        for (let i = 0; i < 5; i++) {
          const body = await get(path);
          items = body.items.length;
          more = body.nextCursor !== null;
        }
        const times = await timeEach(() => get(path), SEQUENTIAL);
        sequential.push(...times);
        const owner = marks[kind.owner];
        kinds[kind.name] = {
          listLength: kind.list === 'followers' ? owner.followers : owner.following,
          items,
          more,
          requests: times.length,
          ...ms(times),
        };
      }

      // The SQL alone, on a connection of our own while the server idles, before
      // the follows below leave dead entries for PostgreSQL's planner to step over.
      for (const kind of LIST_KINDS) {
        const owner: Owner = kind.owner;
        const q = {
          list: kind.list,
          ownerId: marks[owner].id,
          viewerId: viewer.userId,
          after: decodeCursor(cursors.get(kind.name)),
        };
        const times = await timeList(database, q);
        const plan = await explainList(database, q);
        kinds[kind.name] = {
          ...kinds[kind.name],
          sqlP50Ms: percentile(times, 50),
          sqlP95Ms: percentile(times, 95),
          sqlIndex: plan.index,
          sqlSorts: plan.sorts,
        };
      }

      // Follow then unfollow, each connection as its own account on its own targets.
      const slices = followers.map((_, c) =>
        targets.slice(c * FOLLOWS.targetsPerConnection, (c + 1) * FOLLOWS.targetsPerConnection),
      );
      const next = followers.map(() => 0);
      const run = async (seconds: number) => {
        const follow: number[] = [];
        const unfollow: number[] = [];
        const stats = { non2xx: 0, errors: 0, requested: 0 };
        const t0 = performance.now();
        const end = t0 + seconds * 1000;
        await Promise.all(
          followers.map(async (account, c) => {
            const auth = { authorization: `Bearer ${account.accessToken}` };
            const slice = slices[c]!;
            while (performance.now() < end) {
              const id = slice[next[c]!++ % slice.length]!;
              touched.add(id);
              for (const method of ['POST', 'DELETE'] as const) {
                const start = performance.now();
                try {
                  const r = await fetch(`${server.url}/v1/users/${id}/follow`, { method, headers: auth });
                  const body = await r.text();
                  (method === 'POST' ? follow : unfollow).push(performance.now() - start);
                  if (r.status < 200 || r.status > 299) stats.non2xx++;
                  else if (
                    method === 'POST' &&
                    (JSON.parse(body) as { status: string }).status !== 'following'
                  )
                    stats.requested++;
                } catch {
                  stats.errors++;
                }
              }
            }
          }),
        );
        return { follow, unfollow, stats, elapsed: (performance.now() - t0) / 1000 };
      };
      await run(FOLLOWS.warmUpSeconds);
      const { follow, unfollow, stats, elapsed } = await run(FOLLOWS.seconds);
      followUnfollow = {
        connections: FOLLOWS.connections,
        durationSeconds: FOLLOWS.seconds,
        operationsPerSecond: Math.round((follow.length + unfollow.length) / elapsed),
        pairsPerSecond: Math.round(unfollow.length / elapsed),
        ...ms([...follow, ...unfollow]),
        follow: ms(follow),
        unfollow: ms(unfollow),
        ...stats,
      };
    } finally {
      await stopBenchServer(server);
    }

    // Counters against edges, for every user the follows touched.
    const t0 = performance.now();
    const mismatches = await counterMismatches(database, [...touched]);
    const accepted = await database.db
      .selectFrom('follows')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', '=', 'following')
      .executeTakeFirstOrThrow();

    return {
      users: USERS,
      edges: EDGES,
      seed,
      landmarks: Object.fromEntries(
        Object.entries(marks).map(([k, m]) => [k, { followers: m.followers, following: m.following }]),
      ),
      kinds,
      walk: { pages: walk.length, ...ms(walk) },
      sequential: { requests: sequential.length, ...ms(sequential) },
      followUnfollow,
      counters: {
        usersChecked: touched.size,
        mismatches: mismatches.length,
        ...(mismatches.length > 0 ? { examples: mismatches.slice(0, 5) } : {}),
        acceptedFollows: Number(accepted.n),
        seconds: Math.round((performance.now() - t0) / 100) / 10,
      },
    };
  } finally {
    await database.close();
  }
}
