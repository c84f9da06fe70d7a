// `npm run bench:search-plans`: each query of the `search` scenario as SQL,
// with the number of users it matches and its plan (EXPLAIN QUERY PLAN on
// SQLite, EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL), on the scenario's
// database (DATABASE_URL, or its SQLite file), seeded first if need be.
import { openDatabase } from '../src/platform/db/database.ts';
import { countMatches, explain, SEARCH_KINDS, sqlQueryOf } from './search-queries.ts';
import { describeTarget, SEARCH_USERS, searchDatabaseTarget, seedUsers } from './seed-users.ts';

const users = Number(process.env.BENCH_SEARCH_USERS ?? SEARCH_USERS);
const target = searchDatabaseTarget(users);
await seedUsers(target, users);
const database = openDatabase(target, { poolSize: 1 });
try {
  process.stdout.write(`# ${describeTarget(target)}, ${users} seeded users\n`);
  for (const kind of SEARCH_KINDS) {
    const query = await sqlQueryOf(database, kind);
    const { sql, parameters, plan } = await explain(database, query);
    process.stdout.write(
      `\n## ${kind.name} ${JSON.stringify(kind.params)}${kind.secondPage ? ' (page 2)' : ''}: ` +
        `${await countMatches(database, query)} matches\n${sql}\n-- ${JSON.stringify(parameters)}\n` +
        `${plan.join('\n')}\n`,
    );
  }
} finally {
  await database.close();
}
