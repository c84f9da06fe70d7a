// SMS costs money and is a target for pumping fraud, and a limit keyed only by
// a number can be spent by anyone to keep its owner from getting a code. So a
// send is checked against the caller's own limits first (per address, per
// account), then against the number's as seen from the caller's network
// (IPv4 /24, IPv6 /64): a flood from elsewhere spends its own cooldown and
// quota, never the owner's. Budgets shared by everyone (per number, for the
// whole service) degrade per network when spent instead of closing: networks
// that sent many are refused, one sending its first few still gets through,
// up to a hard ceiling. Guesses are limited per number per day.
import type { FailurePolicy, WindowRule } from '../../platform/rate-limit/rate-limiter.ts';
import type { SharedBudget } from '../../platform/rate-limit/shared-budget.ts';

/** Per client address (scaled by ROSTER_RATE_LIMIT_IP_FACTOR), checked before anything of the number is spent. */
export const SENDS_PER_IP: WindowRule = { limit: 20, windowSeconds: 3600 };
/** One code per number and network every 30 s: a fixed cooldown, so the next send is allowed exactly then. */
export const SEND_COOLDOWN_SECONDS = 30;
/** The owner's own quota: per number and network, so a flood from another network cannot spend it. */
export const SENDS_PER_PHONE_PER_NETWORK: WindowRule = { limit: 5, windowSeconds: 3600 };
/** Per number over every network: 10 an hour, then only networks with at most 2 sends to it, up to 20. */
export const SENDS_PER_PHONE: SharedBudget = {
  soft: { limit: 10, windowSeconds: 3600 },
  newcomerSends: 2,
  hard: { limit: 20, windowSeconds: 3600 },
};
/** A network's sends to every number: what the service-wide budget asks of it (never scaled). */
export const SENDS_PER_NETWORK: WindowRule = { limit: 2000, windowSeconds: 3600 };
/** Across all numbers, a ceiling on what an SMS-pumping attack can cost: 1,000 an hour, then only networks with at most 5 sends, up to 2,000. */
export const SENDS_GLOBAL: SharedBudget = {
  soft: { limit: 1000, windowSeconds: 3600 },
  newcomerSends: 5,
  hard: { limit: 2000, windowSeconds: 3600 },
};
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
