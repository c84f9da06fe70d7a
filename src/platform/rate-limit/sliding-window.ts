// Sliding-window counter (the approximation Cloudflare describes): counts of
// the current and the previous fixed window, the previous one weighted by how
// much of it still overlaps the sliding window. Two integers per key, no 2x
// burst at window edges as a plain fixed window allows. Arithmetic is kept in
// integer milliseconds so the decision at a boundary is exact.
//
// redis-scripts.ts mirrors this function in Lua; change both together.
import type { WindowRule } from './rate-limiter.ts';

export interface WindowState {
  /** Index of the fixed window `count` belongs to (floor(now / windowMs)). */
  readonly index: number;
  readonly count: number;
  /** Count of the window before `index`. */
  readonly previous: number;
}

export interface WindowDecision {
  readonly allowed: boolean;
  readonly remaining: number;
  /** Milliseconds until one more request would be allowed; 0 when allowed. */
  readonly waitMs: number;
  /** State to store when allowed (denied requests are not counted). */
  readonly next: WindowState;
  /** Milliseconds the stored state stays meaningful: to the end of the next window. */
  readonly ttlMs: number;
}

export function windowMs(rule: WindowRule): number {
  if (!Number.isInteger(rule.limit) || rule.limit < 0)
    throw new RangeError(`rate limit must be a non-negative integer (got ${rule.limit})`);
  const ms = Math.round(rule.windowSeconds * 1000);
  if (!(ms >= 1)) throw new RangeError(`rate window must be positive (got ${rule.windowSeconds}s)`);
  return ms;
}

export function slideWindow(
  stored: WindowState | undefined,
  nowMs: number,
  rule: WindowRule,
): WindowDecision {
  const size = windowMs(rule);
  const { limit } = rule;
  let index = Math.floor(nowMs / size);
  const elapsed = nowMs - index * size;
  let count = 0;
  let previous = 0;
  if (stored !== undefined) {
    if (stored.index === index - 1) previous = stored.count;
    else if (stored.index >= index) {
      // Same window, or the clock went back: keep the counts (fail closed).
      ({ count, previous } = stored);
      index = stored.index;
    }
  }
  const ttlMs = 2 * size - elapsed;
  // Weighted estimate after this request, times `size` to stay in integers:
  // previous * (size - elapsed) / size + count + 1 <= limit
  if (limit > 0 && previous * (size - elapsed) + (count + 1) * size <= limit * size) {
    count += 1;
    const remaining = Math.floor((limit * size - count * size - previous * (size - elapsed)) / size);
    return { allowed: true, remaining, waitMs: 0, next: { index, count, previous }, ttlMs };
  }
  return {
    allowed: false,
    remaining: 0,
    waitMs: waitMs(limit, size, elapsed, count, previous),
    next: { index, count, previous },
    ttlMs,
  };
}

function waitMs(limit: number, size: number, elapsed: number, count: number, previous: number): number {
  if (limit <= 0) return size - elapsed;
  // Room left in this window: wait until the previous window's weight fades enough.
  if (count < limit) return size - Math.floor(((limit - 1 - count) * size) / previous) - elapsed;
  // This window is full: in the next one it becomes `previous` and must fade in turn.
  return size - elapsed + (size - Math.floor(((limit - 1) * size) / count));
}

/** A cooldown's length in integer milliseconds; throws unless positive. */
export function cooldownMs(seconds: number): number {
  const ms = Math.round(seconds * 1000);
  if (!(ms >= 1) || !Number.isFinite(ms)) throw new RangeError(`cooldown must be positive (got ${seconds}s)`);
  return ms;
}

/** Whole seconds a client should wait, never 0 for a denial. */
export function toRetryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000));
}
