// When a failed message is tried again: exponential backoff with jitter.

export interface RetryPolicy {
  /** Delay after the first failure. */
  readonly baseDelayMs: number;
  /** No delay grows past this. */
  readonly maxDelayMs: number;
  /** Attempts in all; after the last failure the message is `failed`. */
  readonly maxAttempts: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  baseDelayMs: 10_000, // 10 s, then 20 s, 40 s, ...
  maxDelayMs: 60 * 60_000, // 1 h
  maxAttempts: 10, // about 1.5 h of trying in all
};

/**
 * Delay after the `attempt`-th failure: base * 2^(attempt-1), capped, then
 * "equal jitter": somewhere in its upper half, so messages that failed
 * together (a relay outage) do not all come back in the same second.
 */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
