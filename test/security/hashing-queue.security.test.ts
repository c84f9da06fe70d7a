// A login (or sign-up) storm cannot pile up argon2 work: beyond the hasher's
// bounded queue, requests are shed at once with 503 `server_busy` and
// Retry-After, and the process stays responsive meanwhile.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPasswordHasher } from '../../src/platform/crypto/password-hasher.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { testDialect } from '../helpers/dialect.ts';
import {
  assertProblem,
  countUsers,
  freshEmail,
  login,
  post,
  type Reply,
  STRONG_PASSWORD,
  verifiedAccount,
} from './support.ts';

interface Timed {
  readonly res: Reply;
  readonly ms: number;
}

async function timed(started: number, request: Promise<Reply>): Promise<Timed> {
  const res = await request;
  return { res, ms: performance.now() - started };
}

describe(`password hashing queue under a storm (${testDialect})`, () => {
  // One hash at a time, one waiting; a few passes so a hash takes long enough to watch.
  const hasher = createPasswordHasher({
    maxConcurrent: 1,
    maxQueued: 1,
    params: { memoryCost: 19_456, timeCost: 4, parallelism: 1 },
  });
  let t: TestApp;
  const accounts: string[] = [];

  before(async () => {
    t = await buildTestApp({ identity: { hasher }, env: { ROSTER_RATE_LIMIT_IP_FACTOR: '0' } });
    for (let i = 0; i < 10; i++) {
      const email = freshEmail(`storm${i}`);
      await verifiedAccount(t, email);
      accounts.push(email);
    }
    await login(t, freshEmail('warm-up'), 'whatever password'); // makes the dummy hash
  });
  after(() => t.close());

  it('20 parallel logins: the overflow gets a fast 503 server_busy with Retry-After; /healthz answers meanwhile', async () => {
    const started = performance.now();
    const storm = Array.from({ length: 20 }, (_, i) => {
      const identifier = i % 2 === 0 ? accounts[i / 2]! : freshEmail(`storm-unknown${i}`);
      const password = i % 4 === 0 ? STRONG_PASSWORD : 'wrong password here';
      return timed(started, login(t, identifier, password));
    });
    // Ask for liveness while the storm is being hashed.
    await new Promise((resolve) => setImmediate(resolve));
    const health = await timed(started, t.app.inject({ method: 'GET', url: '/healthz' }));
    const results = await Promise.all(storm);

    const busy = results.filter((r) => r.res.statusCode === 503);
    const served = results.filter((r) => r.res.statusCode !== 503);
    assert.ok(busy.length > 0, 'some requests are shed');
    assert.ok(served.length > 0, 'some requests are served');
    for (const { res } of busy) {
      assertProblem(res, 503, 'server_busy');
      assert.equal(res.headers['retry-after'], '1');
    }
    for (const { res } of served) assert.ok([200, 401].includes(res.statusCode), res.body);

    const slowestServed = Math.max(...served.map((r) => r.ms));
    const slowestBusy = Math.max(...busy.map((r) => r.ms));
    assert.ok(
      slowestBusy < slowestServed,
      `shed replies (${slowestBusy.toFixed(0)} ms) come before the queue drains (${slowestServed.toFixed(0)} ms)`,
    );
    assert.equal(health.res.statusCode, 200);
    assert.ok(
      health.ms < slowestServed,
      `/healthz (${health.ms.toFixed(0)} ms) answered during the storm (${slowestServed.toFixed(0)} ms)`,
    );
    assert.deepEqual(hasher.stats(), { running: 0, queued: 0, maxConcurrent: 1, maxQueued: 1 });
  });

  it('a shed login is not counted as a wrong password', async () => {
    const email = freshEmail('shed');
    await verifiedAccount(t, email);
    // 15 parallel wrong passwords (under the 20-a-minute burst bound, over the 10-failure
    // lockout): most are shed, and a shed attempt must not count as a failure.
    const replies = await Promise.all(
      Array.from({ length: 15 }, () => login(t, email, 'wrong password here')),
    );
    const failures = replies.filter((r) => r.statusCode === 401).length;
    assert.ok(failures < 10, `only ${failures} reached the hasher`);
    assert.ok(replies.some((r) => r.statusCode === 503));
    const right = await login(t, email, STRONG_PASSWORD);
    assert.equal(right.statusCode, 200, `not locked out by shed attempts: ${right.body}`);
  });

  it('a sign-up storm is shed the same way and shed sign-ups write nothing', async () => {
    const before = await countUsers(t);
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        post(t, '/v1/accounts', { email: freshEmail(`signup-storm${i}`), password: STRONG_PASSWORD }),
      ),
    );
    const created = replies.filter((r) => r.statusCode === 201).length;
    const busy = replies.filter((r) => r.statusCode === 503);
    assert.ok(busy.length > 0 && created > 0, replies.map((r) => r.statusCode).join(','));
    for (const res of busy) assertProblem(res, 503, 'server_busy');
    assert.equal(await countUsers(t), before + created);
  });
});
