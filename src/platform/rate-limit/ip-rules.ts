// Per-IP limits scale with ROSTER_RATE_LIMIT_IP_FACTOR: behind a gateway or a
// NAT many users share one address, so operators loosen (10 = ten times more
// generous) or switch off (0) the per-IP rules. Per-account rules guard a
// secret and are never scaled: they go to the RateLimiter directly.
import type { RateLimiter, RateLimitResult, WindowRule } from './rate-limiter.ts';

/** Answer when per-IP limits are off. */
export const UNLIMITED: RateLimitResult = Object.freeze({
  allowed: true,
  remaining: Number.POSITIVE_INFINITY,
  retryAfterSeconds: 0,
});

/** The rule with its limit multiplied by `factor`, or null when per-IP limits are off. */
export function scaleIpRule(rule: WindowRule, factor: number): WindowRule | null {
  if (!(factor >= 0) || !Number.isFinite(factor))
    throw new RangeError(`IP limit factor must be a non-negative number (got ${factor})`);
  if (factor === 0) return null;
  // A fractional factor never turns a working rule into "deny everything".
  const limit = rule.limit === 0 ? 0 : Math.max(1, Math.floor(rule.limit * factor));
  return { limit, windowSeconds: rule.windowSeconds };
}

export interface IpLimiter {
  /** Like RateLimiter.consume with the rule scaled; key it with ipKey(). */
  consume(key: string, rule: WindowRule): Promise<RateLimitResult>;
}

export function createIpLimiter(limiter: RateLimiter, factor: number): IpLimiter {
  scaleIpRule({ limit: 1, windowSeconds: 1 }, factor); // validate once, at boot
  return {
    async consume(key, rule) {
      const scaled = scaleIpRule(rule, factor);
      return scaled === null ? UNLIMITED : limiter.consume(key, scaled);
    },
  };
}
