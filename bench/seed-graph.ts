// `npm run bench:seed-graph [-- --users 100000 --edges 1000000]`: fills a
// database with the social benchmark's follow graph: the users of
// `npm run bench:seed` (bench/seed-users.ts, the same made-up people), then
// `--edges` accepted follows among them (bench/graph-data.ts: Zipf followers,
// a celebrity with about 83,000 of them at the defaults) and a few thousand
// pending requests to the 2% of accounts it makes private. Rows go in
// directly, 100,000 edges per transaction, in the order they were asked (so
// their UUIDv7 ids from newId() follow time, as the product's do), with
// `since`/`created_at` ISO instants spread over two years; then each
// profile's follower_count and following_count are set from the edges, as the
// product's transactions keep them.
//
// The database: DATABASE_URL (postgres://…; created when missing), otherwise
// the SQLite file the `social` scenario serves, in the temp directory, one per
// user and edge count. A database that holds the graph already is left as it
// is; one with other follows between the seeded people is refused.
import { parseArgs } from 'node:util';
import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import type { DatabaseTarget } from '../src/config/config.schema.ts';
import type { FollowsTable } from '../src/modules/social/social.table.ts';
import { type Database, openDatabase } from '../src/platform/db/database.ts';
import { newId } from '../src/platform/ids.ts';
import { CELEBRITY, followGraph } from './graph-data.ts';
import { SEED_EMAIL_DOMAIN } from './search-data.ts';
import { benchDatabaseTarget, describeTarget, seedUsers } from './seed-users.ts';

export const SOCIAL_USERS = 100_000;
export const SOCIAL_EDGES = 1_000_000;
const TRANSACTION = 100_000;
const STATEMENT = 1_000;

/** Where the social benchmark's graph lives: DATABASE_URL, or a SQLite file per user and edge count. */
export const socialDatabaseTarget = (users: number, edges: number): DatabaseTarget =>
  benchDatabaseTarget('roster-bench-social', `graph-${users}-${edges}.db`);

/** Ids of the seeded people, by person number. */
export async function seededIds(database: Database, people: number): Promise<string[]> {
  const rows = await database.db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('email', 'like', `person-%@${SEED_EMAIL_DOMAIN}`)
    .execute();
  const ids: string[] = new Array(people);
  for (const r of rows) {
    const i = Number(/^person-(\d+)@/.exec(r.email ?? '')?.[1]);
    if (i < people) ids[i] = r.id;
  }
  for (let i = 0; i < people; i++) if (ids[i] === undefined) throw new Error(`person ${i} is not seeded`);
  return ids;
}

/** The seeded people's accepted follows, as their counters have them. */
async function seededFollows(database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('profiles as p')
    .innerJoin('users as u', 'u.id', 'p.user_id')
    .select((eb) => eb.fn.sum<number | string | null>('p.following_count').as('n'))
    .where('u.email', 'like', `person-%@${SEED_EMAIL_DOMAIN}`)
    .executeTakeFirstOrThrow();
  return Number(row.n ?? 0);
}

/** Sets every profile's counters to its accepted edges. */
export async function recountFollows(database: Database): Promise<void> {
  await database.db
    .updateTable('profiles')
    .set((eb) => ({
      follower_count: eb
        .selectFrom('follows as f')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('f.followee_id', '=', 'profiles.user_id')
        .where('f.status', '=', 'following'),
      following_count: eb
        .selectFrom('follows as f')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('f.follower_id', '=', 'profiles.user_id')
        .where('f.status', '=', 'following'),
    }))
    .execute();
}

export interface GraphSeedResult {
  readonly database: string;
  readonly users: number;
  readonly edges: number;
  /** False when the database held the graph already. */
  readonly added: boolean;
  readonly requested?: number;
  readonly privateAccounts?: number;
  readonly celebrityFollowers?: number;
  /** Users (bench/seed-users.ts) and graph, each with its VACUUM ANALYZE or WAL checkpoint. */
  readonly seconds: { readonly users: number; readonly graph: number; readonly total: number };
}

const since = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

/** Makes the database hold `users` seeded people and their graph of `edges` accepted follows. */
export async function seedGraph(
  target: DatabaseTarget,
  users: number,
  edges: number,
  progress: (line: string) => void = () => {},
): Promise<GraphSeedResult> {
  const t0 = performance.now();
  const seededUsers = await seedUsers(target, users, progress);
  const t1 = performance.now();
  const database = openDatabase(target, { poolSize: 2 });
  try {
    const existing = await seededFollows(database);
    const base = { database: describeTarget(target), users, edges };
    if (existing === edges) {
      return {
        ...base,
        added: false,
        seconds: { users: seededUsers.seconds, graph: since(t1), total: since(t0) },
      };
    }
    if (existing !== 0) {
      throw new Error(
        `${describeTarget(target)} holds ${existing} follows among seeded users, not 0 or ${edges}; use another database`,
      );
    }
    const { db } = database;
    // The seeding connection only: a page cache that holds the indexes being filled.
    if (database.dialect === 'sqlite') await sql`pragma cache_size = -262144`.execute(db);
    const ids = await seededIds(database, users);
    const graph = followGraph(users, edges);
    progress(
      `graph: ${graph.accepted} follows, ${graph.requested} requests, ${graph.privates.length} private`,
    );

    for (let k = 0; k < graph.privates.length; k += STATEMENT) {
      await db
        .updateTable('profiles')
        .set({ is_private: true })
        .where(
          'user_id',
          'in',
          graph.privates.slice(k, k + STATEMENT).map((i) => ids[i]!),
        )
        .execute();
    }

    // Oldest first, so that ids (UUIDv7, made now) rise with the time asked.
    const rows = graph.follower.length;
    const order = Array.from({ length: rows }, (_, i) => i).sort(
      (a, b) => graph.askedAgo[b]! - graph.askedAgo[a]!,
    );
    const now = Date.now();
    const iso = (ago: number) => new Date(now - Math.round(ago)).toISOString();
    const rowOf = (i: number): Insertable<FollowsTable> => {
      const accepted = !Number.isNaN(graph.sinceAgo[i]!);
      return {
        id: newId(),
        follower_id: ids[graph.follower[i]!]!,
        followee_id: ids[graph.followee[i]!]!,
        status: accepted ? 'following' : 'requested',
        created_at: iso(graph.askedAgo[i]!),
        since: accepted ? iso(graph.sinceAgo[i]!) : null,
      };
    };
    for (let start = 0; start < rows; start += TRANSACTION) {
      const end = Math.min(rows, start + TRANSACTION);
      await db.transaction().execute(async (trx) => {
        for (let k = start; k < end; k += STATEMENT) {
          const values = order.slice(k, Math.min(end, k + STATEMENT)).map(rowOf);
          await trx.insertInto('follows').values(values).execute();
        }
      });
      if (end % 100_000 === 0 || end === rows) progress(`inserted ${end} of ${rows} follows and requests`);
    }
    await recountFollows(database);
    progress('counters set');
    // As bench/seed-users.ts: PostgreSQL gets what autovacuum would do soon
    // after a bulk load; SQLite folds the WAL back into the file.
    if (database.dialect === 'postgres') {
      await sql`vacuum analyze follows, profiles`.execute(db);
    } else {
      await sql`pragma wal_checkpoint(truncate)`.execute(db);
    }
    const celebrity = await db
      .selectFrom('profiles')
      .select('follower_count')
      .where('user_id', '=', ids[CELEBRITY]!)
      .executeTakeFirstOrThrow();
    return {
      ...base,
      added: true,
      requested: graph.requested,
      privateAccounts: graph.privates.length,
      celebrityFollowers: Number(celebrity.follower_count),
      seconds: { users: seededUsers.seconds, graph: since(t1), total: since(t0) },
    };
  } finally {
    await database.close();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: String(SOCIAL_USERS) },
      edges: { type: 'string', default: String(SOCIAL_EDGES) },
    },
  });
  const users = Number(values.users);
  const edges = Number(values.edges);
  if (!Number.isInteger(users) || users < 2 || !Number.isInteger(edges) || edges < 1) {
    process.stderr.write('usage: npm run bench:seed-graph [-- --users N --edges M]\n');
    process.exit(2);
  }
  const target = socialDatabaseTarget(users, edges);
  process.stderr.write(`seeding ${describeTarget(target)}\n`);
  const result = await seedGraph(target, users, edges, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
