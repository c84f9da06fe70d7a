import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { rateLimiterContract } from './rate-limiter.contract.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { deleteKeys, skipWithoutRedis, testRedisUrl, uniquePrefix } from './redis-test-support.ts';

const skip = await skipWithoutRedis();
const keyPrefix = uniquePrefix('rl');
// Two clients stand for two app nodes.
const [nodeA, nodeB] = skip ? [] : [new Redis(testRedisUrl), new Redis(testRedisUrl)];

after(async () => {
  if (!nodeA || !nodeB) return;
  await deleteKeys(nodeA, keyPrefix);
  await Promise.all([nodeA.quit(), nodeB.quit()]);
});

/**
 * Redis keeps its own time, which a test cannot stop: resolves once Redis's
 * clock is more than `marginMs` before the edge of a fixed window of `sizeMs`
 * (waiting for a point on that clock, not a fixed pause).
 */
async function awayFromWindowEdge(redis: Redis, sizeMs: number, marginMs: number): Promise<void> {
  for (;;) {
    const [seconds, micros] = await redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const left = sizeMs - (now % sizeMs);
    if (left > marginMs) return;
    await sleep(left);
  }
}

if (skip) {
  it('redis rate limiter', { skip }, () => {});
} else {
  rateLimiterContract('redis', () => ({
    limiter: createRateLimiter({ redis: nodeA!, keyPrefix }),
    // Redis keeps its own time; the margin covers timer and clock granularity.
    advance: (ms) => sleep(ms + 50),
  }));

  describe('redis rate limiter across nodes', () => {
    let a: ReturnType<typeof createRateLimiter>;
    let b: ReturnType<typeof createRateLimiter>;
    before(() => {
      a = createRateLimiter({ redis: nodeA!, keyPrefix });
      b = createRateLimiter({ redis: nodeB!, keyPrefix });
    });

    it('shares window counters between nodes', async () => {
      const rule = { limit: 10, windowSeconds: 60 };
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).consume('shared', rule)),
      );
      assert.equal(results.filter((r) => r.allowed).length, 10);
      assert.equal((await a.consume('shared', rule)).allowed, false);
      assert.equal((await b.consume('shared', rule)).allowed, false);
    });

    it('shares lockouts between nodes', async () => {
      for (let i = 0; i < 5; i++) await a.failures.recordFailure('user');
      for (let i = 0; i < 4; i++) await b.failures.recordFailure('user');
      assert.equal((await b.failures.check('user')).blocked, false);
      assert.equal((await a.failures.recordFailure('user')).blocked, true);
      assert.equal((await b.failures.check('user')).blocked, true);
      await b.failures.reset('user');
      assert.equal((await a.failures.check('user')).blocked, false);
    });

    it('sets a TTL on every key it writes', async () => {
      // The window's key lives to the end of the next window: more than 10 s from any
      // point of the current one, but read back a moment later. Started at a window's
      // last milliseconds, that moment could take it under 10 s, so start well before.
      await awayFromWindowEdge(nodeA!, 10_000, 2_000);
      await a.consume('ttl', { limit: 5, windowSeconds: 10 });
      await a.failures.recordFailure('ttl');
      const windowTtl = await nodeA!.pttl(`${keyPrefix}w:10:ttl`);
      const failureTtl = await nodeA!.pttl(`${keyPrefix}f:ttl`);
      assert.ok(windowTtl > 10_000 && windowTtl <= 20_000, `${windowTtl}`);
      assert.ok(failureTtl > 86_000_000 && failureTtl <= 86_400_000, `${failureTtl}`);
    });
  });
}
