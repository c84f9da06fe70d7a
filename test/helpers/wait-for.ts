// Waiting for a message that a test server receives: resolves with the first
// match, already there or arriving later; rejects after the timeout.

/**
 * How long a test waits for a message by default. Delivery takes milliseconds
 * on an idle machine; the bound only turns a message that never comes into a
 * failure, so it is generous enough for a busy machine running test files
 * side by side. Waiting long costs nothing when the message does come.
 */
export const DEFAULT_WAIT_MS = 30_000;

export function waitForMessage<T>(
  messages: readonly T[],
  waiters: Set<() => void>,
  predicate: (message: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const hit = messages.find(predicate);
      if (!hit) return false;
      clearTimeout(timer);
      waiters.delete(onMessage);
      resolve(hit);
      return true;
    };
    const onMessage = () => void check();
    const timer = setTimeout(() => {
      waiters.delete(onMessage);
      reject(new Error(`no matching ${what} within ${timeoutMs} ms (${messages.length} received)`));
    }, timeoutMs);
    if (!check()) waiters.add(onMessage);
  });
}
