// Counters in Redis, shared by every app node. Each decision is one Lua script
// (atomic); keys carry a TTL so nothing outlives its window or quiet period.
// Time is the Redis server's clock (see redis-scripts.ts), not the injected
// Clock: node clocks may disagree, the shared store's may not. Redis errors
// propagate: the caller fails closed rather than let guesses through.
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { resolveFailurePolicy } from './failure-backoff.ts';
import type {
  FailureCounter,
  FailurePolicy,
  LockoutStatus,
  RateLimiter,
  RateLimitResult,
  WindowRule,
} from './rate-limiter.ts';
import {
  CHECK_FAILURES_SCRIPT,
  CONSUME_SCRIPT,
  COOLDOWN_SCRIPT,
  RECORD_FAILURE_SCRIPT,
  RELEASE_FAILURE_SCRIPT,
  RESERVE_FAILURE_SCRIPT,
} from './redis-scripts.ts';
import { cooldownMs, toRetryAfterSeconds, windowMs } from './sliding-window.ts';

export class RedisRateLimiter implements RateLimiter {
  readonly failures: FailureCounter;
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, keyPrefix: string) {
    this.#redis = redis;
    this.#prefix = keyPrefix;
    this.failures = new RedisFailureCounter(redis, keyPrefix);
  }

  async consume(key: string, rule: WindowRule): Promise<RateLimitResult> {
    const size = windowMs(rule);
    // The window size is part of the key so two rules on one key never mix counts.
    const redisKey = `${this.#prefix}w:${rule.windowSeconds}:${key}`;
    const [allowed, remaining, wait] = (await runScript(this.#redis, CONSUME_SCRIPT, redisKey, [
      rule.limit,
      size,
    ])) as [number, number, number];
    return allowed === 1
      ? { allowed: true, remaining, retryAfterSeconds: 0 }
      : { allowed: false, remaining: 0, retryAfterSeconds: toRetryAfterSeconds(wait) };
  }

  async cooldown(key: string, seconds: number): Promise<RateLimitResult> {
    const ms = cooldownMs(seconds);
    const redisKey = `${this.#prefix}c:${seconds}:${key}`;
    const wait = Number(await runScript(this.#redis, COOLDOWN_SCRIPT, redisKey, [ms]));
    return wait === 0
      ? { allowed: true, remaining: 0, retryAfterSeconds: 0 }
      : { allowed: false, remaining: 0, retryAfterSeconds: toRetryAfterSeconds(wait) };
  }
}

class RedisFailureCounter implements FailureCounter {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, keyPrefix: string) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}f:`;
  }

  async check(key: string): Promise<LockoutStatus> {
    return status(await runScript(this.#redis, CHECK_FAILURES_SCRIPT, this.#prefix + key, []));
  }

  async reserve(key: string, policy?: FailurePolicy): Promise<LockoutStatus> {
    return status(
      await runScript(this.#redis, RESERVE_FAILURE_SCRIPT, this.#prefix + key, policyArgs(policy)),
    );
  }

  async release(key: string, policy?: FailurePolicy): Promise<void> {
    await runScript(this.#redis, RELEASE_FAILURE_SCRIPT, this.#prefix + key, policyArgs(policy));
  }

  async recordFailure(key: string, policy?: FailurePolicy): Promise<LockoutStatus> {
    return status(
      await runScript(this.#redis, RECORD_FAILURE_SCRIPT, this.#prefix + key, policyArgs(policy)),
    );
  }

  async reset(key: string): Promise<void> {
    await this.#redis.del(this.#prefix + key);
  }
}

function policyArgs(policy?: FailurePolicy): number[] {
  const p = resolveFailurePolicy(policy);
  return [p.freeAttempts, p.baseBlockMs, p.maxBlockMs, p.forgetAfterMs];
}

function status(blockedMs: unknown): LockoutStatus {
  const ms = Number(blockedMs);
  return ms > 0
    ? { blocked: true, retryAfterSeconds: toRetryAfterSeconds(ms) }
    : { blocked: false, retryAfterSeconds: 0 };
}

const shas = new Map<string, string>();

/** EVALSHA, falling back to EVAL once when the server has not cached the script (restart, failover). */
async function runScript(redis: Redis, script: string, key: string, args: number[]): Promise<unknown> {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, 1, key, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return await redis.eval(script, 1, key, ...args);
  }
}
