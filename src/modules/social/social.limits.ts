// Activity limits of the social graph, per signed-in user (scaled by
// ROSTER_RATE_LIMIT_USER_FACTOR): enough for any person, not for a script
// that follows and unfollows its way through the directory.
import type { WindowRule } from '../../platform/rate-limit/rate-limiter.ts';

/** Follows, unfollows, answers to requests, follower removals, blocks and bookmarks, together. */
export const GRAPH_CHANGES_PER_USER: WindowRule = { limit: 400, windowSeconds: 3600 };
