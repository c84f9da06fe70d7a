import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../clock.ts';
import { MemoryRateLimiter } from './memory-rate-limiter.ts';
import { rateLimiterContract } from './rate-limiter.contract.ts';
import { createRateLimiter } from './rate-limiter.ts';

rateLimiterContract('memory', () => {
  const clock = new ManualClock();
  return {
    limiter: createRateLimiter({ clock }),
    advance: async (ms) => clock.advance(ms),
  };
});

describe('memory rate limiter', () => {
  it('slides: a burst at the end of a window is still counted just after it', async () => {
    const clock = new ManualClock('2026-01-01T00:00:59.000Z');
    const limiter = new MemoryRateLimiter(clock);
    const rule = { limit: 10, windowSeconds: 60 };
    for (let i = 0; i < 10; i++) assert.ok((await limiter.consume('k', rule)).allowed);
    clock.advance(2000); // a new fixed window has begun
    const denied = await limiter.consume('k', rule);
    assert.equal(denied.allowed, false);
    // previous 10 weighted (60 - 1) / 60 ≈ 9.83: one more fits once the weight falls to 9,
    // i.e. 6 s into the new window, 5 s from now.
    assert.equal(denied.retryAfterSeconds, 5);
    clock.advance(4999);
    assert.equal((await limiter.consume('k', rule)).allowed, false);
    clock.advance(1);
    assert.equal((await limiter.consume('k', rule)).allowed, true);
  });

  it('backs off 1 min, 2 min, 4 min ... up to 1 h with the default policy, forgotten after 24 h', async () => {
    const clock = new ManualClock();
    const { failures } = new MemoryRateLimiter(clock);
    for (let i = 0; i < 9; i++) await failures.recordFailure('user');
    const blocks = [];
    for (let i = 0; i < 8; i++) blocks.push((await failures.recordFailure('user')).retryAfterSeconds);
    assert.deepEqual(blocks, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
    clock.advance(3600_000);
    assert.equal((await failures.check('user')).blocked, false);
    clock.advance(24 * 3600_000);
    assert.equal((await failures.recordFailure('user')).blocked, false);
  });

  it('stays within maxEntries and sweeps expired keys', async () => {
    const clock = new ManualClock();
    const limiter = new MemoryRateLimiter(clock, { maxEntries: 100, sweepIntervalMs: 1000 });
    for (let i = 0; i < 1000; i++) await limiter.consume(`ip:${i}`, { limit: 5, windowSeconds: 1 });
    assert.equal(limiter.size, 100);
    // The most recent keys survive the cap (their count of 1 still denies a limit of 1);
    // the oldest were forgotten.
    assert.equal((await limiter.consume('ip:999', { limit: 1, windowSeconds: 1 })).allowed, false);
    assert.equal((await limiter.consume('ip:0', { limit: 1, windowSeconds: 1 })).allowed, true);
    clock.advance(3000);
    await limiter.consume('fresh', { limit: 5, windowSeconds: 1 });
    assert.equal(limiter.size, 1);
    for (let i = 0; i < 50; i++) await limiter.failures.recordFailure(`user:${i}`, { forgetAfterSeconds: 1 });
    assert.equal(limiter.size, 51);
    clock.advance(2000);
    await limiter.failures.recordFailure('last');
    await limiter.consume('fresher', { limit: 5, windowSeconds: 1 });
    assert.equal(limiter.size, 2);
  });

  it('rejects malformed rules and policies', async () => {
    const limiter = new MemoryRateLimiter(new ManualClock());
    await assert.rejects(limiter.consume('k', { limit: 1.5, windowSeconds: 1 }), RangeError);
    await assert.rejects(limiter.consume('k', { limit: 1, windowSeconds: 0 }), RangeError);
    await assert.rejects(limiter.failures.recordFailure('k', { freeAttempts: 0 }), RangeError);
    await assert.rejects(limiter.failures.reserve('k', { baseBlockSeconds: 0 }), RangeError);
    await assert.rejects(limiter.cooldown('k', 0), RangeError);
    await assert.rejects(limiter.cooldown('k', Number.NaN), RangeError);
  });

  it('a refused cooldown does not move its end', async () => {
    const clock = new ManualClock();
    const limiter = new MemoryRateLimiter(clock);
    assert.ok((await limiter.cooldown('k', 30)).allowed);
    clock.advance(29_000);
    assert.deepEqual(await limiter.cooldown('k', 30), { allowed: false, remaining: 0, retryAfterSeconds: 1 });
    clock.advance(1000);
    assert.ok((await limiter.cooldown('k', 30)).allowed);
  });
});
