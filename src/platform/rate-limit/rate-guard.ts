// What services use of rate limiting: throw `rate_limited` when a rule is
// exceeded. Per-IP rules are scaled by ROSTER_RATE_LIMIT_IP_FACTOR and a
// signed-in user's activity rules (searches, follows, profile writes) by
// ROSTER_RATE_LIMIT_USER_FACTOR (both off at 0); rules that guard a secret
// (sign-in, codes) are keyed by account or address and never scaled.

import { ipKey } from './ip-key.ts';
import { enforce } from './rate-limit.errors.ts';
import type { FailureCounter, RateLimiter, WindowRule } from './rate-limiter.ts';
import { createScaledLimiter } from './scaled-rules.ts';
import { type SharedBudget, spendSharedBudget, usedOf } from './shared-budget.ts';

export interface RateGuard {
  /** Throws when exceeded; answers how many further requests the rule allows now. */
  perIp(name: string, ip: string, rule: WindowRule): Promise<number>;
  /**
   * Seconds until a rule that `perIp` / `countPerKey` just reported spent (0
   * remaining) allows the next request. A spent rule denies, and denials count
   * nothing; so call it only then: on a rule with room it would count one.
   */
  waitPerIp(name: string, ip: string, rule: WindowRule): Promise<number>;
  waitPerKey(name: string, key: string, rule: WindowRule): Promise<number>;
  perKey(name: string, key: string, rule: WindowRule): Promise<void>;
  /** Activity of a signed-in user: scaled by ROSTER_RATE_LIMIT_USER_FACTOR. */
  perUser(name: string, userId: string, rule: WindowRule): Promise<void>;
  /** Like perKey, but answers instead of throwing (for work that may be skipped quietly). */
  allows(name: string, key: string, rule: WindowRule): Promise<boolean>;
  /** Like perKey (never scaled); answers how many of the rule's requests are used, this one included. */
  countPerKey(name: string, key: string, rule: WindowRule): Promise<number>;
  /** A fixed cooldown per key (see RateLimiter.cooldown); throws while it runs. */
  cooldown(name: string, key: string, seconds: number): Promise<void>;
  /** Spends a budget shared by everyone that degrades per network (shared-budget.ts); throws when refused. */
  sharedBudget(name: string, scope: string, networkUsed: number, budget: SharedBudget): Promise<void>;
  readonly failures: FailureCounter;
}

export function createRateGuard(limiter: RateLimiter, ipFactor: number, userFactor = 1): RateGuard {
  const ipLimiter = createScaledLimiter(limiter, ipFactor);
  const userLimiter = createScaledLimiter(limiter, userFactor);
  return {
    async perIp(name, ip, rule) {
      const result = await ipLimiter.consume(`${name}:ip:${ipKey(ip)}`, rule);
      enforce(result, `${name} per-IP limit`);
      return result.remaining;
    },
    async waitPerIp(name, ip, rule) {
      return (await ipLimiter.consume(`${name}:ip:${ipKey(ip)}`, rule)).retryAfterSeconds;
    },
    async waitPerKey(name, key, rule) {
      return (await limiter.consume(`${name}:${key}`, rule)).retryAfterSeconds;
    },
    async perKey(name, key, rule) {
      enforce(await limiter.consume(`${name}:${key}`, rule), `${name} limit`);
    },
    async perUser(name, userId, rule) {
      enforce(await userLimiter.consume(`${name}:user:${userId}`, rule), `${name} per-user limit`);
    },
    async allows(name, key, rule) {
      return (await limiter.consume(`${name}:${key}`, rule)).allowed;
    },
    async countPerKey(name, key, rule) {
      const result = await limiter.consume(`${name}:${key}`, rule);
      enforce(result, `${name} limit`);
      return usedOf(rule, result);
    },
    async cooldown(name, key, seconds) {
      enforce(await limiter.cooldown(`${name}:${key}`, seconds), `${name} cooldown`);
    },
    async sharedBudget(name, scope, networkUsed, budget) {
      enforce(await spendSharedBudget(limiter, `${name}:${scope}`, networkUsed, budget), `${name} budget`);
    },
    // Read when used, not now: the limiter may open its connection on first use.
    get failures() {
      return limiter.failures;
    },
  };
}
