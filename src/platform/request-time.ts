// A clock one request may set for itself: seed 004's `x-dev-time` header,
// which its app's developers use to try day boundaries and expiries without
// waiting. The overlay exists only when the operator turns the header on in
// development (app.ts decides); otherwise services get the plain clock and no
// header can change what time it is, so nobody outlives a code's expiry by
// sending one. The time set holds for the request's whole async call chain
// (AsyncLocalStorage), nowhere else; periodic work keeps the real time.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from './clock.ts';

export interface RequestTime {
  /** The clock to compose services with: a request's time where one is set, else `base`. */
  readonly clock: Clock;
  /** Runs `fn` (and everything it starts) at the instant `at`. */
  runAt<T>(at: Date, fn: () => T): T;
}

export function createRequestTime(base: Clock): RequestTime {
  const store = new AsyncLocalStorage<Date>();
  return {
    clock: {
      now: () => {
        const set = store.getStore();
        return set ? new Date(set) : base.now();
      },
      // Periodic work runs at real time: a task is never bound to the request that started the server.
      every: (intervalMs, task) => store.exit(() => base.every(intervalMs, task)),
    },
    runAt: (at, fn) => store.run(at, fn),
  };
}
