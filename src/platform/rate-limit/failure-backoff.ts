// Lockout policy for secrets guarded per account: the first `freeAttempts`
// consecutive failures are free, the one that reaches it blocks for
// `baseBlockSeconds`, each further failure doubles the block up to
// `maxBlockSeconds`. A quiet period of `forgetAfterSeconds` clears the count.
//
// redis-scripts.ts mirrors this arithmetic in Lua; change both together.
import type { FailurePolicy } from './rate-limiter.ts';

export interface ResolvedFailurePolicy {
  readonly freeAttempts: number;
  readonly baseBlockMs: number;
  readonly maxBlockMs: number;
  readonly forgetAfterMs: number;
}

export const DEFAULT_FAILURE_POLICY = Object.freeze({
  freeAttempts: 10,
  baseBlockSeconds: 60, // 1 min
  maxBlockSeconds: 60 * 60, // 1 h
  forgetAfterSeconds: 24 * 60 * 60, // 24 h
} satisfies Required<FailurePolicy>);

export function resolveFailurePolicy(policy: FailurePolicy = {}): ResolvedFailurePolicy {
  const merged = { ...DEFAULT_FAILURE_POLICY, ...policy };
  if (!Number.isInteger(merged.freeAttempts) || merged.freeAttempts < 1)
    throw new RangeError(`freeAttempts must be a positive integer (got ${merged.freeAttempts})`);
  for (const name of ['baseBlockSeconds', 'maxBlockSeconds', 'forgetAfterSeconds'] as const)
    if (!(merged[name] > 0)) throw new RangeError(`${name} must be positive (got ${merged[name]})`);
  return {
    freeAttempts: merged.freeAttempts,
    baseBlockMs: Math.round(merged.baseBlockSeconds * 1000),
    maxBlockMs: Math.round(merged.maxBlockSeconds * 1000),
    forgetAfterMs: Math.round(merged.forgetAfterSeconds * 1000),
  };
}

/** Block earned by the `failures`-th consecutive failure; 0 while still free. */
export function blockMs(failures: number, policy: ResolvedFailurePolicy): number {
  if (failures < policy.freeAttempts) return 0;
  return Math.min(policy.baseBlockMs * 2 ** (failures - policy.freeAttempts), policy.maxBlockMs);
}
