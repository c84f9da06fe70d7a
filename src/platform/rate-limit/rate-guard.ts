// What services use of rate limiting: throw `rate_limited` when a rule is
// exceeded. Per-IP rules are scaled by ROSTER_RATE_LIMIT_IP_FACTOR and a
// signed-in user's activity rules (searches, follows, profile writes) by
// ROSTER_RATE_LIMIT_USER_FACTOR (both off at 0); rules that guard a secret
// (sign-in, codes) are keyed by account or address and never scaled.

import { ipKey } from './ip-key.ts';
import { enforce } from './rate-limit.errors.ts';
import type { FailureCounter, RateLimiter, WindowRule } from './rate-limiter.ts';
import { createScaledLimiter } from './scaled-rules.ts';

export interface RateGuard {
  perIp(name: string, ip: string, rule: WindowRule): Promise<void>;
  perKey(name: string, key: string, rule: WindowRule): Promise<void>;
  /** Activity of a signed-in user: scaled by ROSTER_RATE_LIMIT_USER_FACTOR. */
  perUser(name: string, userId: string, rule: WindowRule): Promise<void>;
  /** Like perKey, but answers instead of throwing (for work that may be skipped quietly). */
  allows(name: string, key: string, rule: WindowRule): Promise<boolean>;
  readonly failures: FailureCounter;
}

export function createRateGuard(limiter: RateLimiter, ipFactor: number, userFactor = 1): RateGuard {
  const ipLimiter = createScaledLimiter(limiter, ipFactor);
  const userLimiter = createScaledLimiter(limiter, userFactor);
  return {
    async perIp(name, ip, rule) {
      enforce(await ipLimiter.consume(`${name}:ip:${ipKey(ip)}`, rule), `${name} per-IP limit`);
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
    failures: limiter.failures,
  };
}
