// The behaviour every EventBus must show, run in process and over Redis. A
// "pair" is two nodes' buses; in process both are the same bus.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { type EventBus, EventBusClosedError, type EventBusOptions } from './event-bus.ts';

export interface BusPair {
  readonly publisher: EventBus;
  readonly subscriber: EventBus;
  close(): Promise<void>;
}

interface Inbox {
  readonly received: readonly string[];
  /** Resolves once `count` messages have arrived in all; fails after 2 s. */
  until(count: number): Promise<readonly string[]>;
  stop(): Promise<void>;
}

async function inbox(bus: EventBus, channel: string): Promise<Inbox> {
  const received: string[] = [];
  const waiters = new Set<() => void>();
  const stop = await bus.subscribe(channel, (message) => {
    received.push(message);
    for (const wake of waiters) wake();
  });
  const until = (count: number) =>
    new Promise<readonly string[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`got ${JSON.stringify(received)}, waited for ${count} messages`));
      }, 30_000);
      const check = () => {
        if (received.length < count) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(received);
      };
      waiters.add(check);
      check();
    });
  return { received, until, stop };
}

export function eventBusContract(
  name: string,
  makePair: (options: EventBusOptions) => Promise<BusPair>,
): void {
  describe(`${name}: event bus contract`, { concurrency: true }, () => {
    const channel = (label: string) => `${label}:${randomUUID()}`;

    it('delivers a message published on one node to a subscriber on another, in order', async () => {
      const pair = await makePair({});
      try {
        const c = channel('deliver');
        const box = await inbox(pair.subscriber, c);
        for (let i = 0; i < 20; i++) await pair.publisher.publish(c, `m${i}`);
        assert.deepEqual(
          await box.until(20),
          Array.from({ length: 20 }, (_, i) => `m${i}`),
        );
      } finally {
        await pair.close();
      }
    });

    it('delivers to every subscriber of the channel and to no other channel', async () => {
      const pair = await makePair({});
      try {
        const [c, other] = [channel('fanout'), channel('other')];
        const first = await inbox(pair.subscriber, c);
        const second = await inbox(pair.subscriber, c);
        const stray = await inbox(pair.subscriber, other);
        await pair.publisher.publish(c, 'revoked:s1');
        await pair.publisher.publish(other, 'marker');
        // Redis keeps order per connection: once 'marker' is in, 'revoked:s1' was dispatched.
        assert.deepEqual(await stray.until(1), ['marker']);
        assert.deepEqual(await first.until(1), ['revoked:s1']);
        assert.deepEqual(await second.until(1), ['revoked:s1']);
      } finally {
        await pair.close();
      }
    });

    it('stops delivery on unsubscribe, leaving other subscriptions alone', async () => {
      const pair = await makePair({});
      try {
        const c = channel('unsubscribe');
        const leaves = await inbox(pair.subscriber, c);
        const stays = await inbox(pair.subscriber, c);
        await pair.publisher.publish(c, 'before');
        assert.deepEqual(await leaves.until(1), ['before']);
        await leaves.stop();
        await leaves.stop(); // idempotent
        await pair.publisher.publish(c, 'after');
        // The remaining subscriber got 'after', so it was dispatched to whoever listened.
        assert.deepEqual(await stays.until(2), ['before', 'after']);
        assert.deepEqual(leaves.received, ['before']);
      } finally {
        await pair.close();
      }
    });

    it('delivers again after the last subscriber left and a new one came', async () => {
      const pair = await makePair({});
      try {
        const c = channel('resubscribe');
        const stop = await pair.subscriber.subscribe(c, () => {});
        await stop();
        const again = await inbox(pair.subscriber, c);
        await pair.publisher.publish(c, 'hello');
        assert.deepEqual(await again.until(1), ['hello']);
      } finally {
        await pair.close();
      }
    });

    it('reports a throwing handler and still serves the others', async () => {
      const errors: [unknown, string | null][] = [];
      const pair = await makePair({ onError: (error, ch) => errors.push([error, ch]) });
      try {
        const c = channel('throws');
        await pair.subscriber.subscribe(c, () => {
          throw new Error('boom');
        });
        const fine = await inbox(pair.subscriber, c);
        await pair.publisher.publish(c, 'x');
        assert.deepEqual(await fine.until(1), ['x']);
        assert.equal(errors.length, 1);
        assert.equal((errors[0]![0] as Error).message, 'boom');
        assert.equal(errors[0]![1], c);
      } finally {
        await pair.close();
      }
    });

    it('refuses to publish or subscribe once closed', async () => {
      const pair = await makePair({});
      await pair.close();
      await assert.rejects(pair.publisher.publish('c', 'm'), EventBusClosedError);
      await assert.rejects(
        pair.subscriber.subscribe('c', () => {}),
        EventBusClosedError,
      );
      await pair.publisher.close(); // closing twice is harmless
    });
  });
}
