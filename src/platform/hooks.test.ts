import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Executor } from './db/executor.ts';
import { createHooks } from './hooks.ts';

const trx = {} as Executor;
const event = { userId: 'u1', at: new Date(0) };

describe('lifecycle hooks', () => {
  it('runs every handler of an event, in the order they were registered, with the transaction', async () => {
    const hooks = createHooks();
    const calls: string[] = [];
    hooks.on('accountErased', async (t, e) => {
      assert.equal(t, trx);
      calls.push(`first ${e.userId}`);
    });
    hooks.on('accountCreated', async () => {
      calls.push('other event');
    });
    hooks.on('accountErased', async () => {
      calls.push('second');
    });
    await hooks.run(trx, 'accountErased', event);
    assert.deepEqual(calls, ['first u1', 'second']);
  });

  it('stops at a failing handler and throws, so the caller’s transaction rolls back', async () => {
    const hooks = createHooks();
    const calls: string[] = [];
    hooks.on('accountChanged', async () => {
      throw new Error('handler failed');
    });
    hooks.on('accountChanged', async () => {
      calls.push('not reached');
    });
    await assert.rejects(hooks.run(trx, 'accountChanged', event), /handler failed/);
    assert.deepEqual(calls, []);
  });

  it('runs only the handlers of the event asked for', async () => {
    const hooks = createHooks();
    let ran = 0;
    hooks.on('accountErased', async () => {
      ran++;
    });
    await hooks.run(trx, 'profileChanged', event);
    assert.equal(ran, 0);
  });
});
