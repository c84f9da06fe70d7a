import type { WindowRule } from '../../platform/rate-limit/rate-limiter.ts';

/** Undo tokens are 256-bit; this only keeps one address from hammering the endpoint. */
export const UNDO_PER_IP: WindowRule = { limit: 30, windowSeconds: 900 };
