// The event bus of a single node. Handlers run before publish() resolves, so
// on one node a revocation is in force as soon as it is announced.
import { EventEmitter } from 'node:events';
import {
  defaultOnError,
  type EventBus,
  EventBusClosedError,
  type EventBusOptions,
  type MessageHandler,
} from './event-bus.ts';

export class InProcessEventBus implements EventBus {
  readonly #emitter = new EventEmitter();
  readonly #onError: NonNullable<EventBusOptions['onError']>;
  #closed = false;

  constructor(options: EventBusOptions = {}) {
    this.#onError = options.onError ?? defaultOnError;
    // Many requests may wait on one channel; no leak warning for that.
    this.#emitter.setMaxListeners(0);
  }

  async publish(channel: string, message: string): Promise<void> {
    if (this.#closed) throw new EventBusClosedError();
    this.#emitter.emit(channel, message);
  }

  async subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>> {
    if (this.#closed) throw new EventBusClosedError();
    // A wrapper per subscription: one handler subscribed twice is two subscriptions,
    // and a throwing handler neither reaches the publisher nor starves the others.
    const listener = (message: string) => {
      try {
        handler(message);
      } catch (error) {
        this.#onError(error, channel);
      }
    };
    this.#emitter.on(channel, listener);
    return async () => {
      this.#emitter.off(channel, listener);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#emitter.removeAllListeners();
  }
}
