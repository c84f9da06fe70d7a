import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createBoundedQueue } from './bounded-queue.ts';

/** A task that finishes only when told to. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const full = () => new Error('full');

describe('createBoundedQueue', () => {
  test('runs tasks in arrival order once a slot frees', async () => {
    const queue = createBoundedQueue({ maxConcurrent: 1, maxQueued: 2, onFull: full });
    const first = deferred<string>();
    const order: string[] = [];
    const a = queue.run(async () => order.push(`a:${await first.promise}`));
    const b = queue.run(async () => order.push('b'));
    const c = queue.run(async () => order.push('c'));
    assert.deepEqual(queue.stats(), { running: 1, queued: 2, maxConcurrent: 1, maxQueued: 2 });
    await assert.rejects(
      queue.run(async () => order.push('d')),
      /full/,
    );
    first.resolve('done');
    await Promise.all([a, b, c]);
    assert.deepEqual(order, ['a:done', 'b', 'c']);
    assert.deepEqual(queue.stats(), { running: 0, queued: 0, maxConcurrent: 1, maxQueued: 2 });
  });

  test('releases the slot when a task fails, and passes the failure on', async () => {
    const queue = createBoundedQueue({ maxConcurrent: 1, maxQueued: 1, onFull: full });
    const failing = deferred<never>();
    const a = queue.run(() => failing.promise);
    const b = queue.run(async () => 'b ran');
    failing.reject(new Error('boom'));
    await assert.rejects(a, /boom/);
    assert.equal(await b, 'b ran');
    assert.equal(queue.stats().running, 0);
  });

  test('with maxQueued 0, refuses anything beyond the running slots', async () => {
    const queue = createBoundedQueue({ maxConcurrent: 2, maxQueued: 0, onFull: full });
    const gate = deferred<void>();
    const running = [queue.run(() => gate.promise), queue.run(() => gate.promise)];
    await assert.rejects(
      queue.run(async () => undefined),
      /full/,
    );
    gate.resolve();
    await Promise.all(running);
    assert.equal(await queue.run(async () => 'ok again'), 'ok again');
  });

  test('validates its limits', () => {
    assert.throws(() => createBoundedQueue({ maxConcurrent: 0, maxQueued: 1, onFull: full }), RangeError);
    assert.throws(() => createBoundedQueue({ maxConcurrent: 1, maxQueued: -1, onFull: full }), RangeError);
  });
});
