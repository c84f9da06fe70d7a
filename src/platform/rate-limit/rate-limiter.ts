// The one rate limiter of the product. Three questions, one port:
// - windowed limits ("at most 5 codes per phone per hour"), and
// - consecutive-failure lockout with backoff, for anything that guards a
//   secret per account (passwords, one-time codes, TOTP), and
// - fixed cooldowns ("one code per number every 30 s").
// Single node: counters live in memory. With REDIS_URL they live in Redis so
// every app node sees the same counts.
import type { Redis } from 'ioredis';
import { type Clock, systemClock } from '../clock.ts';
import { MemoryRateLimiter } from './memory-rate-limiter.ts';
import { RedisRateLimiter } from './redis-rate-limiter.ts';

export interface WindowRule {
  /** Requests allowed per window; 0 denies everything. */
  readonly limit: number;
  readonly windowSeconds: number;
}

export interface RateLimitResult {
  readonly allowed: boolean;
  /** Further requests that would be allowed right now (Infinity when no limit applies). */
  readonly remaining: number;
  /** Whole seconds until a denied request may succeed; 0 when allowed. */
  readonly retryAfterSeconds: number;
}

export interface FailurePolicy {
  /** Consecutive failures before the key is blocked. */
  readonly freeAttempts?: number; // default 10
  /** First block; doubles with each further failure. */
  readonly baseBlockSeconds?: number; // default 60 (1 min)
  readonly maxBlockSeconds?: number; // default 3600 (1 h)
  /** The count is forgotten after this long without a failure. */
  readonly forgetAfterSeconds?: number; // default 86400 (24 h)
}

export interface LockoutStatus {
  readonly blocked: boolean;
  /** Whole seconds until the block ends; 0 when not blocked. */
  readonly retryAfterSeconds: number;
}

/**
 * Consecutive-failure lockout per key (e.g. `mfa:<userId>`). Use `reserve`
 * before verifying the secret: atomically, it refuses when the key is blocked
 * and otherwise counts this attempt as a failure in advance, so however many
 * requests race, no more secrets are evaluated than the policy allows. Then
 * `reset` on success; a failure needs nothing more (it is already counted).
 *
 * `check` answers without counting (e.g. to refuse early, or before spending
 * another limit); `recordFailure` counts a failure after the fact, for callers
 * that learn only afterwards whether an attempt counts. Neither pair is
 * atomic: a burst sent before the first failure lands all pass `check`.
 */
export interface FailureCounter {
  /** Blocked: refuses, counting nothing. Otherwise counts one failure and lets this attempt through. */
  reserve(key: string, policy?: FailurePolicy): Promise<LockoutStatus>;
  /**
   * Takes back one reservation whose attempt was never judged (the check
   * itself failed, e.g. the password hasher shed it): the count drops by one,
   * and a block goes only when the count falls below the free attempts.
   */
  release(key: string, policy?: FailurePolicy): Promise<void>;
  check(key: string): Promise<LockoutStatus>;
  recordFailure(key: string, policy?: FailurePolicy): Promise<LockoutStatus>;
  reset(key: string): Promise<void>;
}

export interface RateLimiter {
  /** Counts one request against `rule` for `key`; denied requests are not counted. */
  consume(key: string, rule: WindowRule): Promise<RateLimitResult>;
  /**
   * A fixed cooldown: allowed when no cooldown of `key` runs, which then starts
   * one of `seconds`; denied (with the time left) while it runs. Unlike a
   * window with a limit of 1, the wait never exceeds `seconds` after the last
   * allowed request.
   */
  cooldown(key: string, seconds: number): Promise<RateLimitResult>;
  readonly failures: FailureCounter;
}

export interface RateLimiterOptions {
  /** Shared counters when given (the caller owns and closes the client); memory otherwise. */
  readonly redis?: Redis | null;
  /** Time of the memory store. The Redis store uses the Redis server's TIME so all nodes agree. */
  readonly clock?: Clock;
  /** Redis key prefix, so deployments (or test runs) sharing a Redis stay apart. */
  readonly keyPrefix?: string; // default 'roster:rl:'
  /** Memory store bound: most keys kept per kind (windows, failures). */
  readonly maxEntries?: number; // default 100_000
}

export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  if (options.redis) return new RedisRateLimiter(options.redis, options.keyPrefix ?? 'roster:rl:');
  return new MemoryRateLimiter(options.clock ?? systemClock, {
    ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
  });
}
