import assert from 'node:assert/strict';
import { it } from 'node:test';
import { skipWithoutRedis, testRedisUrl, uniquePrefix } from '../rate-limit/redis-test-support.ts';
import { eventBusContract } from './event-bus.contract.ts';
import { createEventBus } from './event-bus.ts';
import { RedisEventBus } from './redis-event-bus.ts';

const skip = await skipWithoutRedis();
// Channels of this run only; pub/sub leaves no keys behind.
const channelPrefix = uniquePrefix('events');

if (skip) {
  it('redis event bus', { skip }, () => {});
} else {
  eventBusContract('redis', async (options) => {
    // Two buses, two pairs of connections: two app nodes.
    const publisher = createEventBus(testRedisUrl, { channelPrefix, ...options });
    const subscriber = createEventBus(testRedisUrl, { channelPrefix, ...options });
    return {
      publisher,
      subscriber,
      close: async () => void (await Promise.all([publisher.close(), subscriber.close()])),
    };
  });

  it('redis: namespaces channels with the prefix', async () => {
    const a = new RedisEventBus(testRedisUrl, { channelPrefix: `${channelPrefix}a:` });
    const b = new RedisEventBus(testRedisUrl, { channelPrefix: `${channelPrefix}b:` });
    try {
      const seen: string[] = [];
      await b.subscribe('sessions', (m) => seen.push(m));
      const own: string[] = [];
      const { promise: arrived, resolve } = Promise.withResolvers<void>();
      await a.subscribe('sessions', (m) => {
        own.push(m);
        resolve();
      });
      await a.publish('sessions', 'only-a');
      await arrived;
      // b listens on its own prefix's channel, so it must not have been handed a's message.
      assert.deepEqual([own, seen], [['only-a'], []]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('redis: closes even when Redis cannot be reached', async () => {
    const bus = createEventBus('redis://127.0.0.1:1', { onError: () => {} });
    const started = performance.now();
    await bus.close();
    // Closing drops connections that are not ready at once; waiting for a Redis that never
    // answers would last as long as ioredis keeps retrying. The bound tells the two apart
    // while sitting far above an instant close, so a busy machine does not trip it.
    const ms = performance.now() - started;
    assert.ok(ms < 5_000, `close took ${ms.toFixed(0)} ms`);
  });
}
