// Upload limits. A person re-trying a few uploads never meets them; a script
// filling the store does. Per-user rules scale with ROSTER_RATE_LIMIT_USER_FACTOR,
// the anonymous one with ROSTER_RATE_LIMIT_IP_FACTOR.
import type { WindowRule } from '../../platform/rate-limit/rate-limiter.ts';

/** Avatars processed per user and hour (each upload decodes and re-encodes an image). */
export const AVATAR_CHANGES_PER_USER: WindowRule = { limit: 30, windowSeconds: 3600 };
/** Direct-upload URLs made per user and hour. */
export const UPLOAD_URLS_PER_USER: WindowRule = { limit: 30, windowSeconds: 3600 };
/** Anonymous sign-up photos per IP and hour: a form filled in again, not a free file host. */
export const SIGNUP_UPLOADS_PER_IP: WindowRule = { limit: 5, windowSeconds: 3600 };
/** Signed links made per user and hour. */
export const LINKS_PER_USER: WindowRule = { limit: 600, windowSeconds: 3600 };
