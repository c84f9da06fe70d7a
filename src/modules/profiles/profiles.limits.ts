// Profile writes per signed-in user (scaled by ROSTER_RATE_LIMIT_USER_FACTOR):
// an editor's autosave fits, a script rewriting search documents does not.
import type { WindowRule } from '../../platform/rate-limit/rate-limiter.ts';

export const PROFILE_UPDATES_PER_USER: WindowRule = { limit: 120, windowSeconds: 3600 };
