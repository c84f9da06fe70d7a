import assert from 'node:assert/strict';
import { it } from 'node:test';
import { eventBusContract } from './event-bus.contract.ts';
import { createEventBus } from './event-bus.ts';
import { InProcessEventBus } from './in-process-event-bus.ts';

eventBusContract('in-process', async (options) => {
  const bus = createEventBus(null, options);
  return { publisher: bus, subscriber: bus, close: () => bus.close() };
});

it('in-process: runs handlers before publish resolves', async () => {
  const bus = new InProcessEventBus();
  const seen: string[] = [];
  await bus.subscribe('sessions', (m) => seen.push(m));
  await bus.publish('sessions', 'revoked:1');
  assert.deepEqual(seen, ['revoked:1']);
  await bus.close();
});
