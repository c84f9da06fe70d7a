// A login (or sign-up) storm cannot pile up argon2 work: beyond the hasher's
// bounded queue, requests are shed at once with 503 `server_busy` and
// Retry-After, and the process stays responsive meanwhile.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPasswordHasher } from '../../src/platform/crypto/password-hasher.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, get, login, post, type Reply } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { countUsers, freshEmail, STRONG_PASSWORD, verifiedAccount } from '../helpers/factories.ts';

/** A reply with its place in the order replies came back in (0 first): behaviour, not timing. */
interface Ordered {
  readonly res: Reply;
  readonly order: number;
}

function inOrder(): (request: Promise<Reply>) => Promise<Ordered> {
  let answered = 0;
  return async (request) => {
    const res = await request;
    return { res, order: answered++ };
  };
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
    t = await buildTestApp({ overrides: { hasher }, env: { ROSTER_RATE_LIMIT_IP_FACTOR: '0' } });
    for (let i = 0; i < 10; i++) {
      const email = freshEmail(`storm${i}`);
      await verifiedAccount(t, { email });
      accounts.push(email);
    }
    await login(t, freshEmail('warm-up'), 'whatever password'); // makes the dummy hash
  });
  after(() => t.close());

  it('20 parallel logins: the overflow gets a fast 503 server_busy with Retry-After; /healthz answers meanwhile', async () => {
    const ordered = inOrder();
    const storm = Array.from({ length: 20 }, (_, i) => {
      const identifier = i % 2 === 0 ? accounts[i / 2]! : freshEmail(`storm-unknown${i}`);
      const password = i % 4 === 0 ? STRONG_PASSWORD : 'wrong password here';
      return ordered(login(t, identifier, password));
    });
    // Ask for liveness while the storm is being hashed.
    await new Promise((resolve) => setImmediate(resolve));
    const health = await ordered(get(t, '/healthz'));
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

    // The queue holds two hashes of ~4 passes each: the last served login comes
    // back after them, a shed one as soon as it finds the queue full.
    const lastServed = Math.max(...served.map((r) => r.order));
    const lastBusy = Math.max(...busy.map((r) => r.order));
    assert.ok(
      lastBusy < lastServed,
      `shed replies (up to #${lastBusy}) come before the queue drains (#${lastServed})`,
    );
    assert.equal(health.res.statusCode, 200);
    assert.ok(
      health.order < lastServed,
      `/healthz (#${health.order}) answered during the storm (#${lastServed})`,
    );
    assert.deepEqual(hasher.stats(), { running: 0, queued: 0, maxConcurrent: 1, maxQueued: 1 });
  });

  it('a shed login is not counted as a wrong password', async () => {
    const email = freshEmail('shed');
    await verifiedAccount(t, { email });
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
