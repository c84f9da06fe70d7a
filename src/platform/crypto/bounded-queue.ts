// Runs at most `maxConcurrent` async tasks at once and lets at most
// `maxQueued` more wait; beyond that, `run` rejects at once with the error
// from `onFull`. Shedding load early keeps latency bounded under a storm
// instead of letting an unbounded backlog starve the process.

export interface BoundedQueueOptions {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  /** The error thrown when both the running slots and the queue are full. */
  readonly onFull: () => Error;
}

export interface QueueStats {
  readonly running: number;
  readonly queued: number;
  readonly maxConcurrent: number;
  readonly maxQueued: number;
}

export interface BoundedQueue {
  run<T>(task: () => Promise<T>): Promise<T>;
  stats(): QueueStats;
}

export function createBoundedQueue(options: BoundedQueueOptions): BoundedQueue {
  const { maxConcurrent, maxQueued, onFull } = options;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1)
    throw new RangeError('maxConcurrent must be an integer ≥ 1');
  if (!Number.isInteger(maxQueued) || maxQueued < 0) throw new RangeError('maxQueued must be an integer ≥ 0');

  let running = 0;
  // FIFO of waiters; each is woken with the slot of a finishing task.
  const waiting: Array<() => void> = [];

  return {
    async run(task) {
      if (running < maxConcurrent) running++;
      else if (waiting.length < maxQueued) await new Promise<void>((resolve) => waiting.push(resolve));
      else throw onFull();
      try {
        return await task();
      } finally {
        // Hand the slot straight to the next waiter so `running` never dips
        // and a newcomer cannot jump the queue between release and wake-up.
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    },
    stats: () => ({ running, queued: waiting.length, maxConcurrent, maxQueued }),
  };
}
