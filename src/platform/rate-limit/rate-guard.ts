// What services use of rate limiting: throw `rate_limited` when a rule is
// exceeded. Per-IP rules are scaled by ROSTER_RATE_LIMIT_IP_FACTOR (and off at
// 0); rules keyed by account or address are never scaled.

import { ipKey } from './ip-key.ts';
import { createIpLimiter } from './ip-rules.ts';
import { enforce } from './rate-limit.errors.ts';
import type { FailureCounter, RateLimiter, WindowRule } from './rate-limiter.ts';

export interface RateGuard {
  perIp(name: string, ip: string, rule: WindowRule): Promise<void>;
  perKey(name: string, key: string, rule: WindowRule): Promise<void>;
  /** Like perKey, but answers instead of throwing (for work that may be skipped quietly). */
  allows(name: string, key: string, rule: WindowRule): Promise<boolean>;
  readonly failures: FailureCounter;
}

export function createRateGuard(limiter: RateLimiter, ipFactor: number): RateGuard {
  const ipLimiter = createIpLimiter(limiter, ipFactor);
  return {
    async perIp(name, ip, rule) {
      enforce(await ipLimiter.consume(`${name}:ip:${ipKey(ip)}`, rule), `${name} per-IP limit`);
    },
    async perKey(name, key, rule) {
      enforce(await limiter.consume(`${name}:${key}`, rule), `${name} limit`);
    },
    async allows(name, key, rule) {
      return (await limiter.consume(`${name}:${key}`, rule)).allowed;
    },
    failures: limiter.failures,
  };
}
