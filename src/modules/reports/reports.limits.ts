// Reports a user may file: enough for someone working through a course who
// meets several broken questions, not a flood that buries the queue. Scaled
// by ROSTER_RATE_LIMIT_USER_FACTOR.
import type { WindowRule } from '../../platform/rate-limit/rate-limiter.ts';

export const REPORTS_PER_HOUR: WindowRule = { limit: 20, windowSeconds: 3600 };
export const REPORTS_PER_DAY: WindowRule = { limit: 100, windowSeconds: 86_400 };
