// Rate limits of the account flows. Per-IP rules scale with
// ROSTER_RATE_LIMIT_IP_FACTOR; per-address rules never do.
import type { WindowRule } from '../../platform/rate-limit/rate-limiter.ts';

export const SIGNUP_PER_IP: WindowRule = { limit: 20, windowSeconds: 3600 };
export const VERIFY_PER_IP: WindowRule = { limit: 60, windowSeconds: 900 };
/** "Resend" cooldown per address: one mail a minute, at most five an hour. */
export const RESEND_COOLDOWN: WindowRule = { limit: 1, windowSeconds: 60 };
export const RESEND_PER_ADDRESS: WindowRule = { limit: 5, windowSeconds: 3600 };
export const RESEND_PER_IP: WindowRule = { limit: 30, windowSeconds: 3600 };
/** "Someone tried to sign up with your address" mails: a few an hour, so sign-up cannot be used to flood a mailbox. */
export const SIGNUP_NOTICE_PER_ADDRESS: WindowRule = { limit: 3, windowSeconds: 3600 };
