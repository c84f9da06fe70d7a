// The behaviour every RateLimiter store must show, run against memory and Redis
// (memory-rate-limiter.test.ts, redis-rate-limiter.test.ts). Windows and blocks
// are a second or two so the Redis run, which waits in real time, stays short.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { FailurePolicy, RateLimiter } from './rate-limiter.ts';
import { createScaledLimiter } from './scaled-rules.ts';

export interface LimiterHarness {
  readonly limiter: RateLimiter;
  /** Lets at least `ms` pass for the store: a ManualClock step, or a real sleep. */
  advance(ms: number): Promise<void>;
}

const FAST: FailurePolicy = { freeAttempts: 10, baseBlockSeconds: 1, maxBlockSeconds: 2 };

export function rateLimiterContract(
  name: string,
  makeHarness: () => LimiterHarness | Promise<LimiterHarness>,
): void {
  // Tests touch only their own keys, so they may run at once (and sleep at once).
  describe(`${name}: rate limiter contract`, { concurrency: true }, () => {
    const key = (label: string) => `${label}:${randomUUID()}`;

    it('allows up to the limit, then denies with a retry-after', async () => {
      const { limiter } = await makeHarness();
      const k = key('limit');
      const rule = { limit: 3, windowSeconds: 2 };
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await limiter.consume(k, rule));
      assert.deepEqual(
        results.slice(0, 3).map((r) => [r.allowed, r.remaining, r.retryAfterSeconds]),
        [
          [true, 2, 0],
          [true, 1, 0],
          [true, 0, 0],
        ],
      );
      const denied = results[3]!;
      assert.equal(denied.allowed, false);
      assert.equal(denied.remaining, 0);
      assert.ok(denied.retryAfterSeconds > 0 && denied.retryAfterSeconds <= 4, `${denied.retryAfterSeconds}`);
      // Denied requests are not counted: the wait does not grow.
      const again = await limiter.consume(k, rule);
      assert.ok(!again.allowed && again.retryAfterSeconds <= denied.retryAfterSeconds);
    });

    it('gives the full limit again once two windows have passed', async () => {
      const { limiter, advance } = await makeHarness();
      const k = key('reset');
      const rule = { limit: 2, windowSeconds: 1 };
      assert.ok((await limiter.consume(k, rule)).allowed);
      assert.ok((await limiter.consume(k, rule)).allowed);
      assert.equal((await limiter.consume(k, rule)).allowed, false);
      await advance(2000);
      assert.deepEqual(await limiter.consume(k, rule), { allowed: true, remaining: 1, retryAfterSeconds: 0 });
      assert.ok((await limiter.consume(k, rule)).allowed);
      assert.equal((await limiter.consume(k, rule)).allowed, false);
    });

    it('allows a request again after the retry-after it announced', async () => {
      const { limiter, advance } = await makeHarness();
      const k = key('retry');
      const rule = { limit: 2, windowSeconds: 1 };
      await limiter.consume(k, rule);
      await limiter.consume(k, rule);
      const denied = await limiter.consume(k, rule);
      assert.equal(denied.allowed, false);
      await advance(denied.retryAfterSeconds * 1000);
      assert.equal((await limiter.consume(k, rule)).allowed, true);
    });

    it('keeps keys, and windows of different sizes on one key, apart', async () => {
      const { limiter } = await makeHarness();
      const [a, b] = [key('a'), key('b')];
      const rule = { limit: 1, windowSeconds: 60 };
      assert.ok((await limiter.consume(a, rule)).allowed);
      assert.equal((await limiter.consume(a, rule)).allowed, false);
      assert.ok((await limiter.consume(b, rule)).allowed);
      assert.ok((await limiter.consume(a, { limit: 1, windowSeconds: 3600 })).allowed);
    });

    it('allows exactly the limit among 50 concurrent requests', async () => {
      const { limiter } = await makeHarness();
      const k = key('race');
      const rule = { limit: 10, windowSeconds: 60 };
      const results = await Promise.all(Array.from({ length: 50 }, () => limiter.consume(k, rule)));
      assert.equal(results.filter((r) => r.allowed).length, 10);
      assert.ok(results.filter((r) => !r.allowed).every((r) => r.retryAfterSeconds > 0));
    });

    it('denies everything for a limit of 0', async () => {
      const { limiter } = await makeHarness();
      const result = await limiter.consume(key('zero'), { limit: 0, windowSeconds: 5 });
      assert.equal(result.allowed, false);
      assert.ok(result.retryAfterSeconds >= 1 && result.retryAfterSeconds <= 5);
    });

    it('blocks after 10 consecutive failures, longer with each further one, up to the cap', async () => {
      const { limiter, advance } = await makeHarness();
      const k = key('fail');
      for (let i = 1; i <= 9; i++)
        assert.deepEqual(await limiter.failures.recordFailure(k, FAST), {
          blocked: false,
          retryAfterSeconds: 0,
        });
      assert.deepEqual(await limiter.failures.check(k), { blocked: false, retryAfterSeconds: 0 });
      const first = await limiter.failures.recordFailure(k, FAST);
      assert.deepEqual(first, { blocked: true, retryAfterSeconds: 1 });
      assert.deepEqual(await limiter.failures.check(k), first);
      await advance(1000);
      assert.deepEqual(await limiter.failures.check(k), { blocked: false, retryAfterSeconds: 0 });
      const second = await limiter.failures.recordFailure(k, FAST);
      assert.ok(second.blocked && second.retryAfterSeconds > first.retryAfterSeconds);
      assert.deepEqual(await limiter.failures.recordFailure(k, FAST), {
        blocked: true,
        retryAfterSeconds: 2,
      });
    });

    it('clears the count on reset (a success)', async () => {
      const { limiter } = await makeHarness();
      const k = key('reset-failures');
      for (let i = 0; i < 10; i++) await limiter.failures.recordFailure(k, FAST);
      assert.equal((await limiter.failures.check(k)).blocked, true);
      await limiter.failures.reset(k);
      assert.deepEqual(await limiter.failures.check(k), { blocked: false, retryAfterSeconds: 0 });
      for (let i = 0; i < 9; i++)
        assert.equal((await limiter.failures.recordFailure(k, FAST)).blocked, false);
      assert.equal((await limiter.failures.check(key('other'))).blocked, false);
    });

    it('forgets failures after the quiet period', async () => {
      const { limiter, advance } = await makeHarness();
      const k = key('forget');
      const policy = { ...FAST, forgetAfterSeconds: 1 };
      for (let i = 0; i < 9; i++) await limiter.failures.recordFailure(k, policy);
      await advance(1000);
      assert.equal((await limiter.failures.recordFailure(k, policy)).blocked, false);
    });

    it('counts concurrent failures exactly', async () => {
      const { limiter } = await makeHarness();
      const k = key('fail-race');
      await Promise.all(Array.from({ length: 9 }, () => limiter.failures.recordFailure(k, FAST)));
      assert.equal((await limiter.failures.check(k)).blocked, false);
      assert.equal((await limiter.failures.recordFailure(k, FAST)).blocked, true);
    });

    it('reserve lets exactly the free attempts through among 50 concurrent ones, and counts no refusal', async () => {
      const { limiter, advance } = await makeHarness();
      const k = key('reserve-race');
      const results = await Promise.all(Array.from({ length: 50 }, () => limiter.failures.reserve(k, FAST)));
      assert.equal(results.filter((r) => !r.blocked).length, 10);
      assert.ok(results.filter((r) => r.blocked).every((r) => r.retryAfterSeconds === 1));
      // The 40 refusals were not counted: the block is the first one's (1 s), not a doubled one.
      assert.deepEqual(await limiter.failures.check(k), { blocked: true, retryAfterSeconds: 1 });
      await advance(1000);
      // After the block, the next reservation goes ahead and earns the next, longer block.
      assert.deepEqual(await limiter.failures.reserve(k, FAST), { blocked: false, retryAfterSeconds: 0 });
      assert.deepEqual(await limiter.failures.check(k), { blocked: true, retryAfterSeconds: 2 });
    });

    it('reserve counts like recordFailure and is cleared by reset', async () => {
      const { limiter } = await makeHarness();
      const k = key('reserve');
      for (let i = 0; i < 5; i++) assert.equal((await limiter.failures.reserve(k, FAST)).blocked, false);
      for (let i = 0; i < 4; i++)
        assert.equal((await limiter.failures.recordFailure(k, FAST)).blocked, false);
      assert.equal((await limiter.failures.reserve(k, FAST)).blocked, false); // the 10th goes ahead...
      assert.equal((await limiter.failures.reserve(k, FAST)).blocked, true); // ...and blocks the 11th
      await limiter.failures.reset(k);
      assert.deepEqual(await limiter.failures.reserve(k, FAST), { blocked: false, retryAfterSeconds: 0 });
    });

    it('release takes back one reservation, and the block it set when below the free attempts', async () => {
      const { limiter } = await makeHarness();
      const k = key('release');
      for (let i = 0; i < 10; i++) await limiter.failures.reserve(k, FAST);
      assert.equal((await limiter.failures.check(k)).blocked, true);
      await limiter.failures.release(k, FAST);
      assert.deepEqual(await limiter.failures.check(k), { blocked: false, retryAfterSeconds: 0 });
      // Nine left: one more reservation goes ahead and blocks again.
      assert.equal((await limiter.failures.reserve(k, FAST)).blocked, false);
      assert.equal((await limiter.failures.check(k)).blocked, true);
      // Nothing to take back on a key without failures.
      const empty = key('release-empty');
      await limiter.failures.release(empty, FAST);
      for (let i = 0; i < 9; i++) await limiter.failures.reserve(empty, FAST);
      assert.equal((await limiter.failures.check(empty)).blocked, false);
    });

    it('a cooldown allows one request, then refuses until exactly its length has passed', async () => {
      const { limiter, advance } = await makeHarness();
      const k = key('cooldown');
      assert.deepEqual(await limiter.cooldown(k, 1), { allowed: true, remaining: 0, retryAfterSeconds: 0 });
      const refused = await limiter.cooldown(k, 1);
      assert.deepEqual(refused, { allowed: false, remaining: 0, retryAfterSeconds: 1 });
      // Other keys, and other lengths on one key, are apart.
      assert.equal((await limiter.cooldown(key('other'), 1)).allowed, true);
      assert.equal((await limiter.cooldown(k, 2)).allowed, true);
      await advance(1000);
      assert.equal((await limiter.cooldown(k, 1)).allowed, true);
      assert.equal((await limiter.cooldown(k, 1)).allowed, false);
    });

    it('a cooldown allows exactly one of 20 concurrent requests', async () => {
      const { limiter } = await makeHarness();
      const k = key('cooldown-race');
      const results = await Promise.all(Array.from({ length: 20 }, () => limiter.cooldown(k, 30)));
      assert.equal(results.filter((r) => r.allowed).length, 1);
      assert.ok(results.filter((r) => !r.allowed).every((r) => r.retryAfterSeconds === 30));
    });

    it('scales per-IP rules by the factor: 10 is ten times the limit, 0 is off', async () => {
      const { limiter } = await makeHarness();
      const rule = { limit: 2, windowSeconds: 60 };
      const tenfold = createScaledLimiter(limiter, 10);
      const k = key('ip10');
      const allowed = [];
      for (let i = 0; i < 21; i++) allowed.push((await tenfold.consume(k, rule)).allowed);
      assert.equal(allowed.filter(Boolean).length, 20);
      assert.equal(allowed[20], false);

      const off = createScaledLimiter(limiter, 0);
      const k0 = key('ip0');
      for (let i = 0; i < 50; i++)
        assert.equal((await off.consume(k0, { limit: 1, windowSeconds: 60 })).allowed, true);
      // Per-account rules go to the limiter itself and still apply.
      assert.ok((await limiter.consume(k0, { limit: 1, windowSeconds: 60 })).allowed);
      assert.equal((await limiter.consume(k0, { limit: 1, windowSeconds: 60 })).allowed, false);
    });
  });
}
