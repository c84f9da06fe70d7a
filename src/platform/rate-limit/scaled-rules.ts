// Rules an operator may scale: per-IP limits with ROSTER_RATE_LIMIT_IP_FACTOR
// (behind a gateway or a NAT many users share one address, so operators loosen
// them, 10 = ten times more generous, or switch them off with 0), and users'
// activity limits with ROSTER_RATE_LIMIT_USER_FACTOR. Per-account rules guard a
// secret and are never scaled: they go to the RateLimiter directly.
import type { RateLimiter, RateLimitResult, WindowRule } from './rate-limiter.ts';

/** Answer when scaled limits are off. */
export const UNLIMITED: RateLimitResult = Object.freeze({
  allowed: true,
  remaining: Number.POSITIVE_INFINITY,
  retryAfterSeconds: 0,
});

/** The rule with its limit multiplied by `factor`, or null when the limits are off (factor 0). */
export function scaleRule(rule: WindowRule, factor: number): WindowRule | null {
  if (!(factor >= 0) || !Number.isFinite(factor))
    throw new RangeError(`limit factor must be a non-negative number (got ${factor})`);
  if (factor === 0) return null;
  // A fractional factor never turns a working rule into "deny everything".
  const limit = rule.limit === 0 ? 0 : Math.max(1, Math.floor(rule.limit * factor));
  return { limit, windowSeconds: rule.windowSeconds };
}

export interface ScaledLimiter {
  /** Like RateLimiter.consume with the rule scaled; key it with ipKey(). */
  consume(key: string, rule: WindowRule): Promise<RateLimitResult>;
}

export function createScaledLimiter(limiter: RateLimiter, factor: number): ScaledLimiter {
  scaleRule({ limit: 1, windowSeconds: 1 }, factor); // validate once, at boot
  return {
    async consume(key, rule) {
      const scaled = scaleRule(rule, factor);
      return scaled === null ? UNLIMITED : limiter.consume(key, scaled);
    },
  };
}
