// Invite codes made per user and hour (scaled by ROSTER_RATE_LIMIT_USER_FACTOR);
// the quota bounds everyone but admins, this bounds admins' scripts too.
import type { WindowRule } from '../../platform/rate-limit/rate-limiter.ts';

export const INVITE_CODES_PER_USER: WindowRule = { limit: 50, windowSeconds: 3600 };
