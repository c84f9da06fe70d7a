// `npm run bench:social-plans`: the SQL of each list of the `social` scenario
// as listEntries() builds it, with its plan (EXPLAIN QUERY PLAN on SQLite,
// EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL), on the scenario's database
// (DATABASE_URL, or its SQLite file), seeded first if need be. Deep pages are
// reached as the API reaches them: page after page, each from the last.

import { openDatabase } from '../src/platform/db/database.ts';
import { newId } from '../src/platform/ids.ts';
import { SOCIAL_EDGES, SOCIAL_USERS, seedGraph, socialDatabaseTarget } from './seed-graph.ts';
import { describeTarget } from './seed-users.ts';
import {
  cursorKey,
  explainList,
  LIMIT,
  LIST_KINDS,
  type ListQuery,
  landmarks,
  lastPageKey,
  runList,
} from './social-queries.ts';

const users = Number(process.env.BENCH_SOCIAL_USERS ?? SOCIAL_USERS);
const edges = Number(process.env.BENCH_SOCIAL_EDGES ?? SOCIAL_EDGES);
const target = socialDatabaseTarget(users, edges);
await seedGraph(target, users, edges);
const database = openDatabase(target, { poolSize: 1 });
try {
  const marks = await landmarks(database);
  // A viewer who blocks nobody and whom nobody blocks.
  const viewerId = newId();
  process.stdout.write(`# ${describeTarget(target)}, ${users} users, ${edges} follows\n`);
  for (const kind of LIST_KINDS) {
    const owner = marks[kind.owner];
    let after: string | undefined;
    if (kind.page === 'last') after = await lastPageKey(database, owner.id);
    else {
      for (let page = 1; page < kind.page; page++) {
        const entries = await runList(database, { list: kind.list, ownerId: owner.id, viewerId, after });
        if (!entries || entries.length <= LIMIT)
          throw new Error(`${kind.name}: the list ends at page ${page}`);
        after = cursorKey(entries[LIMIT - 1]!);
      }
    }
    const q: ListQuery = { list: kind.list, ownerId: owner.id, viewerId, after };
    const { sql, parameters, plan, index, sorts } = await explainList(database, q);
    const length = kind.list === 'followers' ? owner.followers : owner.following;
    process.stdout.write(
      `\n## ${kind.name} (${kind.list} of ${kind.owner}, ${length} in all, page ${kind.page}): ` +
        `index ${index ?? 'none'}, ${sorts ? 'SORTS' : 'no sort'}\n${sql}\n-- ${JSON.stringify(parameters)}\n` +
        `${plan.join('\n')}\n`,
    );
  }
} finally {
  await database.close();
}
