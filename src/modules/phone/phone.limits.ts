// SMS costs money and is a target for pumping fraud: sends are limited per
// number, per IP and for the whole service; guesses per number per day.
import type { FailurePolicy, WindowRule } from '../../platform/rate-limit/rate-limiter.ts';

export const SEND_COOLDOWN_PER_PHONE: WindowRule = { limit: 1, windowSeconds: 30 };
export const SENDS_PER_PHONE: WindowRule = { limit: 5, windowSeconds: 3600 };
export const SENDS_PER_IP: WindowRule = { limit: 20, windowSeconds: 3600 };
/** Across all numbers: a ceiling on what an SMS-pumping attack can cost. */
export const SENDS_GLOBAL: WindowRule = { limit: 1000, windowSeconds: 3600 };
export const VERIFY_PER_IP: WindowRule = { limit: 60, windowSeconds: 900 };
/** NIST SP 800-63B-4: at most 100 failed codes per number; new codes do not reset the count. */
export const PHONE_FAILURES: FailurePolicy = {
  freeAttempts: 100,
  baseBlockSeconds: 86_400,
  maxBlockSeconds: 86_400,
  forgetAfterSeconds: 86_400,
};
/** Link requests per account: each one says whether a number is registered elsewhere. */
export const LINK_REQUESTS_PER_USER: WindowRule = { limit: 10, windowSeconds: 3600 };
