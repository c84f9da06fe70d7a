import type { FailurePolicy, WindowRule } from '../../platform/rate-limit/rate-limiter.ts';

export const LOGIN_PER_IP: WindowRule = { limit: 100, windowSeconds: 900 };
/**
 * Per sign-in name and client address, and per known device: 10 consecutive
 * wrong passwords, then 429 with a growing wait (1 min, 2 min, ... 1 h).
 */
export const LOGIN_LOCKOUT: FailurePolicy = { freeAttempts: 10, baseBlockSeconds: 60, maxBlockSeconds: 3600 };
/**
 * Per sign-in name over every address: a guesser spread over many addresses
 * stops after 100 consecutive failures, then gets one guess per 5 min, 10 min,
 * ... 1 h. Known devices pass it (password-lockout.ts).
 */
export const LOGIN_NAME_LOCKOUT: FailurePolicy = {
  freeAttempts: 100,
  baseBlockSeconds: 300,
  maxBlockSeconds: 3600,
};
export const FORGOT_PER_IP: WindowRule = { limit: 20, windowSeconds: 3600 };
export const FORGOT_PER_ADDRESS: WindowRule = { limit: 5, windowSeconds: 3600 };
export const RESET_PER_IP: WindowRule = { limit: 60, windowSeconds: 900 };
