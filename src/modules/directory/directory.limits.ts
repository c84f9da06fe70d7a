// Searches are cheap but not free: two a second, sustained, per signed-in user
// (scaled by ROSTER_RATE_LIMIT_USER_FACTOR).
import type { WindowRule } from '../../platform/rate-limit/rate-limiter.ts';

export const SEARCHES_PER_USER: WindowRule = { limit: 120, windowSeconds: 60 };
