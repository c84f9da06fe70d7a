// A counting gate: at most `max` tasks run at once, the rest wait in line in
// arrival order. Image decoding holds tens of megabytes per image while it
// runs, so the gate, not the number of concurrent uploads, bounds memory.

export interface ConcurrencyLimit {
  /** Runs the task when a slot is free; its result or error passes through. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now (for metrics). */
  readonly active: number;
  /** Tasks waiting for a slot (for metrics). */
  readonly waiting: number;
}

export function limitConcurrency(max: number): ConcurrencyLimit {
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${max}`);
  let active = 0;
  const line: Array<() => void> = [];

  const run = async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the next in line (active
    // stays the same), so a newcomer can never slip in ahead of a waiter.
    if (active < max) active++;
    else await new Promise<void>((resolve) => line.push(resolve));
    try {
      return await task();
    } finally {
      const next = line.shift();
      if (next) next();
      else active--;
    }
  };

  return {
    run,
    get active() {
      return active;
    },
    get waiting() {
      return line.length;
    },
  };
}
