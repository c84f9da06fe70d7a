// Two app nodes on one database. With REDIS_URL a session revoked on one node
// stops working on the other at once, although that node had cached it as
// live, and a password guesser's failures count across nodes. Without
// REDIS_URL (the single-node default) the other node keeps its cached answer
// for up to the cache TTL; that limitation is documented here too.
// Both nodes share one ManualClock that stands still unless a test moves it:
// the session cache reads that clock, so a cached entry can never expire by
// itself, and a refusal on the other node can only come from the revocation
// event, however slowly a busy machine runs the test.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, assertRateLimited, get, login, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { freshEmail, session, verifiedAccount } from '../helpers/factories.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const REDIS_URL = process.env.ROSTER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * One fresh, migrated database for two nodes. PostgreSQL: a pool per node on
 * one schema. SQLite: one shared connection, because node:sqlite is
 * synchronous: a second connection in the same process would block the event
 * loop on busy_timeout whenever the other node holds the write lock (separate
 * server processes do not have that problem). Each node keeps its own session
 * cache either way, which is what these tests are about.
 */
async function sharedDatabase(): Promise<[TestDatabase, TestDatabase, () => Promise<void>]> {
  const first = await createTestDatabase();
  if (testDialect === 'sqlite') return [first, { ...first, drop: async () => {} }, () => first.drop()];
  const second = openDatabase(first.target, { schema: first.schema!, poolSize: 5 });
  const other: TestDatabase = { ...first, database: second, drop: () => second.close() };
  return [
    first,
    other,
    async () => {
      await second.close();
      await first.drop();
    },
  ];
}

/** The session cache's TTL (session-state.ts): how long a node may believe a revoked session without the event. */
const CACHE_TTL_MS = 10_000;

async function twoNodes(
  env: Record<string, string>,
): Promise<{ a: TestApp; b: TestApp; clock: ManualClock }> {
  const [dbA, dbB, drop] = await sharedDatabase();
  // Starts at the real time: the account helpers write real timestamps.
  const clock = new ManualClock(new Date());
  const options = { env: { ROSTER_RATE_LIMIT_IP_FACTOR: '0', ...env }, clock };
  const a = await buildTestApp({ ...options, db: dbA });
  const b = await buildTestApp({ ...options, db: dbB });
  cleanups.push(async () => {
    await a.close();
    await b.close();
    await drop();
  });
  return { a, b, clock };
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/**
 * Polls until `check` holds; returns the milliseconds it took, or null after
 * `timeoutMs`. The bound is generous: the frozen clock, not the bound, is what
 * rules out an expired cache entry.
 */
async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<number | null> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return null;
}

describe(`cross-node revocation with Redis (${testDialect})`, () => {
  it('a logout on node A is refused on node B at once, though B had cached the session as live', async (ctx) => {
    const { a, b } = await twoNodes({ REDIS_URL });
    const email = freshEmail('nodes');
    await verifiedAccount(a, { email });
    const s = await session(a, email);
    assert.equal((await get(b, '/v1/me', s.accessToken)).statusCode, 200, 'B accepts (and caches) it');

    const out = await request(a, 'DELETE', '/v1/sessions/current', { token: s.accessToken });
    assert.equal(out.statusCode, 204);

    // Pub/sub delivery is asynchronous. B's clock stands still, so its cache entry is as
    // fresh as when it was made: only the event can make B refuse.
    const ms = await eventually(async () => (await get(b, '/v1/me', s.accessToken)).statusCode === 401);
    assert.notEqual(ms, null, 'node B still accepted the revoked token after 10 s');
    ctx.diagnostic(`node B refused the revoked token after ${ms!.toFixed(1)} ms`);
    assertProblem(await get(b, '/v1/me', s.accessToken), 401, 'invalid_token');
    assertProblem(await get(a, '/v1/me', s.accessToken), 401, 'invalid_token');
  });

  it('"log out everywhere" on node B ends sessions that node A had cached', async () => {
    const { a, b } = await twoNodes({ REDIS_URL });
    const email = freshEmail('everywhere');
    await verifiedAccount(a, { email });
    const sessions = [await session(a, email), await session(a, email), await session(b, email)];
    for (const s of sessions) assert.equal((await get(a, '/v1/me', s.accessToken)).statusCode, 200);

    const all = await request(b, 'DELETE', '/v1/sessions', { token: sessions[2]!.accessToken });
    assert.equal(all.statusCode, 204);
    for (const s of sessions) {
      const ms = await eventually(async () => (await get(a, '/v1/me', s.accessToken)).statusCode === 401);
      assert.notEqual(ms, null, `session ${s.sessionId} still live on node A`);
    }
  });

  it('wrong passwords count across nodes: 5 on A and 5 on B lock the account on both', async () => {
    const { a, b } = await twoNodes({ REDIS_URL });
    const email = freshEmail('lock-nodes');
    await verifiedAccount(a, { email });
    for (let i = 0; i < 10; i++) {
      const res = await login(i % 2 === 0 ? a : b, email, 'wrong password here');
      assertProblem(res, 401, 'invalid_credentials');
    }
    assertRateLimited(await login(a, email, 'violet kettle drums 4 seasons'));
    assertRateLimited(await login(b, email, 'violet kettle drums 4 seasons'));
  });
});

describe(`cross-node profile views with Redis (${testDialect})`, () => {
  it('a profile change on node A shows in /v1/me on node B, though B had cached the view', async (ctx) => {
    const { a, b } = await twoNodes({ REDIS_URL });
    const email = freshEmail('view-nodes');
    await verifiedAccount(a, { email });
    const s = await session(a, email);
    assert.equal((await get(b, '/v1/me', s.accessToken)).json().headline, null, 'B caches the view');
    const patched = await request(a, 'PATCH', '/v1/me', {
      token: s.accessToken,
      body: { headline: 'Moved' },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    // A sees it on the next read; B once the event arrives (its clock stands still: no TTL can expire).
    assert.equal((await get(a, '/v1/me', s.accessToken)).json().headline, 'Moved');
    const ms = await eventually(
      async () => (await get(b, '/v1/me', s.accessToken)).json().headline === 'Moved',
    );
    assert.notEqual(ms, null, 'node B still showed the old profile after 10 s');
    ctx.diagnostic(`node B showed the change after ${ms!.toFixed(1)} ms`);
  });

  it('a follow on node A moves the counts node B shows its owner', async () => {
    const { a, b } = await twoNodes({ REDIS_URL });
    const [first, second] = [freshEmail('count-a'), freshEmail('count-b')];
    const followee = await verifiedAccount(a, { email: first });
    await verifiedAccount(a, { email: second });
    const owner = await session(a, first);
    const fan = await session(a, second);
    assert.equal((await get(b, '/v1/me', owner.accessToken)).json().followerCount, 0);
    const followed = await request(a, 'POST', `/v1/users/${followee.id}/follow`, { token: fan.accessToken });
    assert.equal(followed.statusCode, 200, followed.body);
    const ms = await eventually(
      async () => (await get(b, '/v1/me', owner.accessToken)).json().followerCount === 1,
    );
    assert.notEqual(ms, null, 'node B still showed the old count after 10 s');
  });
});

describe(`documents the single-node default: no REDIS_URL (${testDialect})`, () => {
  it('without REDIS_URL, node B keeps accepting a token revoked on node A while its cache entry lives (≤ 10 s)', async () => {
    const { a, b, clock } = await twoNodes({});
    const email = freshEmail('no-redis');
    await verifiedAccount(a, { email });
    const s = await session(a, email);
    assert.equal((await get(b, '/v1/me', s.accessToken)).statusCode, 200);

    const out = await request(a, 'DELETE', '/v1/sessions/current', { token: s.accessToken });
    assert.equal(out.statusCode, 204);
    assertProblem(await get(a, '/v1/me', s.accessToken), 401, 'invalid_token');
    // Up to the last millisecond of its cache entry's life, B has not heard of the revocation.
    await clock.tick(CACHE_TTL_MS - 1);
    assert.equal(
      (await get(b, '/v1/me', s.accessToken)).statusCode,
      200,
      'the limitation: node B has not heard of the revocation (multi-node deployments need REDIS_URL)',
    );
    // Then the entry expires and B asks the database: the limitation is bounded by the TTL.
    await clock.tick(1);
    assertProblem(await get(b, '/v1/me', s.accessToken), 401, 'invalid_token');
    // What B has not cached it asks the database about, so a fresh session is refused there at once.
    const t = await session(a, email);
    await request(a, 'DELETE', '/v1/sessions/current', { token: t.accessToken });
    assertProblem(await get(b, '/v1/me', t.accessToken), 401, 'invalid_token');
  });
});
