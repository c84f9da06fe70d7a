// Redis pub/sub between app nodes. A connection in subscriber mode can do
// nothing else, so the bus opens two: one publishes, one listens. Both belong
// to the bus and close with it. ioredis reconnects and re-subscribes by itself;
// messages published while a node is cut off are lost (see event-bus.ts).
import type { Redis } from 'ioredis';
import { loadOnUse } from '../load-on-use.ts';
import {
  defaultOnError,
  type EventBus,
  EventBusClosedError,
  type EventBusOptions,
  type MessageHandler,
} from './event-bus.ts';

export class RedisEventBus implements EventBus {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #onError: NonNullable<EventBusOptions['onError']>;
  /** Full channel name -> live subscriptions. */
  readonly #handlers = new Map<string, Set<MessageHandler>>();
  readonly #subscribed = new Set<string>();
  /** SUBSCRIBE/UNSUBSCRIBE run one at a time so racing calls cannot leave a channel wrong. */
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(redisUrl: string, options: EventBusOptions = {}) {
    this.#prefix = options.channelPrefix ?? 'roster:';
    this.#onError = options.onError ?? defaultOnError;
    const { Redis: Client } = loadOnUse<typeof import('ioredis')>('ioredis');
    this.#publisher = new Client(redisUrl, { connectionName: 'roster-events-pub' });
    this.#subscriber = new Client(redisUrl, { connectionName: 'roster-events-sub' });
    for (const connection of [this.#publisher, this.#subscriber])
      connection.on('error', (error: unknown) => this.#onError(error, null));
    this.#subscriber.on('message', (channel: string, message: string) => this.#deliver(channel, message));
  }

  async publish(channel: string, message: string): Promise<void> {
    if (this.#closed) throw new EventBusClosedError();
    await this.#publisher.publish(this.#prefix + channel, message);
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    if (this.#closed) throw new EventBusClosedError();
    const name = this.#prefix + channel;
    // A wrapper per subscription: one handler subscribed twice is two subscriptions.
    const subscription: MessageHandler = (message) => handler(message);
    const handlers = this.#handlers.get(name) ?? new Set<MessageHandler>();
    this.#handlers.set(name, handlers);
    handlers.add(subscription);
    const remove = () => {
      handlers.delete(subscription);
      if (handlers.size === 0 && this.#handlers.get(name) === handlers) this.#handlers.delete(name);
    };
    try {
      await this.#reconcile(name);
    } catch (error) {
      remove();
      throw error;
    }
    let active = true;
    return async () => {
      if (!active) return;
      active = false;
      remove(); // delivery stops now, before Redis confirms
      await this.#reconcile(name);
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.clear();
    await this.#queue;
    await Promise.all([quit(this.#publisher), quit(this.#subscriber)]);
  }

  #deliver(name: string, message: string): void {
    const handlers = this.#handlers.get(name);
    if (handlers === undefined) return;
    for (const handler of [...handlers]) {
      try {
        handler(message);
      } catch (error) {
        this.#onError(error, name.slice(this.#prefix.length));
      }
    }
  }

  /** Brings the Redis subscription of `name` in line with whether anyone listens. */
  #reconcile(name: string): Promise<void> {
    const run = async () => {
      if (this.#closed) return;
      const wanted = this.#handlers.has(name);
      if (wanted && !this.#subscribed.has(name)) {
        await this.#subscriber.subscribe(name);
        this.#subscribed.add(name);
      } else if (!wanted && this.#subscribed.has(name)) {
        await this.#subscriber.unsubscribe(name);
        this.#subscribed.delete(name);
      }
    };
    const done = this.#queue.then(run);
    this.#queue = done.catch(() => {});
    return done;
  }
}

/**
 * QUIT lets replies in flight arrive. A connection that is not ready is
 * dropped instead: QUIT would wait in the offline queue for a Redis that may
 * never come back, and hold up shutdown.
 */
async function quit(connection: Redis): Promise<void> {
  if (connection.status !== 'ready') {
    connection.disconnect();
    return;
  }
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
  }
}
