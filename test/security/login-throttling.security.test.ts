// A password guesser is slowed down per account (10 consecutive failures, then
// a growing block) and per client address; a lockout looks the same for an
// account that does not exist, so it reveals nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { createRateLimiter } from '../../src/platform/rate-limit/rate-limiter.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, assertRateLimited, login, type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { freshEmail, verifiedAccount } from '../helpers/factories.ts';
import { cheapHasher, countingHasher } from '../helpers/hashers.ts';

const RIGHT = 'violet kettle drums 4 seasons';
const WRONG = 'not the password at all';

const withoutRequestId = (res: Reply) => {
  const { requestId: _ignored, ...rest } = res.json() as Record<string, unknown>;
  return rest;
};

async function failTimes(t: TestApp, identifier: string, times: number): Promise<void> {
  for (let i = 1; i <= times; i++) {
    const res = await login(t, identifier, WRONG);
    assertProblem(res, 401, 'invalid_credentials');
  }
}

describe(`login throttling per account (${testDialect})`, () => {
  const clock = new ManualClock();
  const hasher = countingHasher(cheapHasher());
  let t: TestApp;

  before(async () => {
    t = await buildTestApp({
      clock,
      overrides: { rateLimiter: createRateLimiter({ clock }), hasher },
      env: { ROSTER_RATE_LIMIT_IP_FACTOR: '0' },
    });
  });
  after(() => t.close());

  it('10 wrong passwords block the 11th attempt, even with the right password; the block ends', async () => {
    const email = freshEmail('locked');
    await verifiedAccount(t, { email, password: RIGHT });
    await failTimes(t, email, 10);

    hasher.resetCalls();
    const blocked = await login(t, email, RIGHT);
    const retryAfter = assertRateLimited(blocked);
    assert.ok(retryAfter <= 60, `first block is at most a minute (got ${retryAfter})`);
    assert.doesNotMatch(blocked.body, /accessToken/);
    assert.equal(hasher.calls.verify + hasher.calls.verifyDummy, 0, 'a blocked attempt costs no hashing');

    clock.advance((retryAfter - 1) * 1000);
    assertRateLimited(await login(t, email, RIGHT));

    clock.advance(1000);
    const ok = await login(t, email, RIGHT);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.ok((ok.json() as { accessToken: string }).accessToken);

    // A success clears the count: the next mistake is an ordinary 401.
    assertProblem(await login(t, email, WRONG), 401, 'invalid_credentials');
  });

  it('each failure after a block blocks longer (1 min, 2 min, 4 min)', async () => {
    const email = freshEmail('backoff');
    await verifiedAccount(t, { email, password: RIGHT });
    await failTimes(t, email, 10);
    const first = assertRateLimited(await login(t, email, WRONG));

    clock.advance(first * 1000);
    await failTimes(t, email, 1);
    const second = assertRateLimited(await login(t, email, RIGHT));
    assert.ok(second > first, `second block ${second}s > first ${first}s`);

    clock.advance(second * 1000);
    await failTimes(t, email, 1);
    const third = assertRateLimited(await login(t, email, RIGHT));
    assert.ok(third > second, `third block ${third}s > second ${second}s`);
    assert.deepEqual([first, second, third], [60, 120, 240]);

    clock.advance(third * 1000);
    assert.equal((await login(t, email, RIGHT)).statusCode, 200);
  });

  it('an unknown email or username locks out exactly like a real account', async () => {
    const known = freshEmail('known');
    await verifiedAccount(t, { email: known, password: RIGHT });
    const unknown = freshEmail('ghost');
    const unknownName = `ghost_${Date.now().toString(36)}`;

    await failTimes(t, known, 10);
    await failTimes(t, unknown, 10);
    await failTimes(t, unknownName, 10);

    const a = await login(t, known, RIGHT);
    const b = await login(t, unknown, RIGHT);
    const c = await login(t, unknownName, RIGHT);
    for (const res of [a, b, c]) assertRateLimited(res);
    assert.deepEqual(withoutRequestId(b), withoutRequestId(a));
    assert.deepEqual(withoutRequestId(c), withoutRequestId(a));
    assert.equal(b.headers['retry-after'], a.headers['retry-after']);
    assert.equal(c.headers['retry-after'], a.headers['retry-after']);
    clock.advance(60_000);
  });

  it('the lockout key ignores case and surrounding spaces of the identifier', async () => {
    const email = freshEmail('variants');
    await verifiedAccount(t, { email, password: RIGHT });
    const variants = [email, email.toUpperCase(), ` ${email} `, `${email}\t`];
    for (let i = 0; i < 10; i++) {
      const res = await login(t, variants[i % variants.length]!, WRONG);
      assertProblem(res, 401, 'invalid_credentials');
    }
    assertRateLimited(await login(t, email.toUpperCase(), RIGHT));
    clock.advance(60_000);
  });
});

describe(`login throttling per client address (${testDialect})`, () => {
  it('with ROSTER_RATE_LIMIT_IP_FACTOR=0.05 one address gets 5 attempts per 15 min across accounts', async () => {
    const t = await buildTestApp({
      env: { ROSTER_RATE_LIMIT_IP_FACTOR: '0.05' },
    });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await login(t, freshEmail(`spray${i}`), WRONG);
        assertProblem(res, 401, 'invalid_credentials');
      }
      const sixth = await login(t, freshEmail('spray-six'), WRONG);
      const retryAfter = assertRateLimited(sixth);
      // A sliding-window counter may ask for up to two windows when the previous one was full.
      assert.ok(retryAfter <= 2 * 900, `bounded by the 15-minute window (got ${retryAfter})`);
      // Another client address is not affected.
      const other = await request(t, 'POST', '/v1/sessions', {
        body: { identifier: freshEmail('elsewhere'), password: WRONG },
        remoteAddress: '198.51.100.23',
      });
      assertProblem(other, 401, 'invalid_credentials');
    } finally {
      await t.close();
    }
  });

  it('with ROSTER_RATE_LIMIT_IP_FACTOR=0 one address is never limited, but accounts still lock', async () => {
    const t = await buildTestApp({
      env: { ROSTER_RATE_LIMIT_IP_FACTOR: '0' },
    });
    try {
      // More than the default per-IP limit (100 per 15 minutes).
      const statuses = new Set<number>();
      for (let i = 0; i < 105; i++) statuses.add((await login(t, freshEmail(`many${i}`), WRONG)).statusCode);
      assert.deepEqual([...statuses], [401]);

      const email = freshEmail('still-locks');
      await verifiedAccount(t, { email, password: RIGHT });
      await failTimes(t, email, 10);
      assertRateLimited(await login(t, email, RIGHT));
    } finally {
      await t.close();
    }
  });
});
