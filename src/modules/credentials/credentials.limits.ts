import type { FailurePolicy, WindowRule } from '../../platform/rate-limit/rate-limiter.ts';

export const LOGIN_PER_IP: WindowRule = { limit: 100, windowSeconds: 900 };
/** An atomic bound on bursts at one account (the lockout's check-then-record is not atomic). */
export const LOGIN_PER_ACCOUNT: WindowRule = { limit: 20, windowSeconds: 60 };
/** 10 consecutive wrong passwords, then 429 with a growing wait (1 min, 2 min, ... 1 h). */
export const LOGIN_LOCKOUT: FailurePolicy = { freeAttempts: 10, baseBlockSeconds: 60, maxBlockSeconds: 3600 };
export const FORGOT_PER_IP: WindowRule = { limit: 20, windowSeconds: 3600 };
export const FORGOT_PER_ADDRESS: WindowRule = { limit: 5, windowSeconds: 3600 };
export const RESET_PER_IP: WindowRule = { limit: 60, windowSeconds: 900 };
