// Cross-node events, for what must reach every app node at once (a revoked
// session must stop working on all of them, not only where it was revoked).
// One node: an in-process bus. With REDIS_URL: Redis pub/sub.
//
// Delivery is at most once: a node that is disconnected from Redis when a
// message is published never sees it. Events are the fast path only; whatever
// they announce must also be true in the database (a revoked session row), so
// a missed event costs latency, never correctness.
import { InProcessEventBus } from './in-process-event-bus.ts';
import { RedisEventBus } from './redis-event-bus.ts';

export type MessageHandler = (message: string) => void;

export interface EventBus {
  /** Sends to every subscriber of `channel` on every node, this one included. */
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once messages flow; resolves to the function that stops them. */
  subscribe(channel: string, handler: MessageHandler): Promise<() => Promise<void>>;
  /** Stops delivery and closes any connection the bus opened. */
  close(): Promise<void>;
}

export interface EventBusOptions {
  /** Prepended to Redis channel names, so deployments sharing a Redis stay apart. */
  readonly channelPrefix?: string; // default 'roster:'
  /** A handler threw, or the Redis connection reported an error. Default: a process warning. */
  readonly onError?: (error: unknown, channel: string | null) => void;
}

export function createEventBus(redisUrl: string | null, options: EventBusOptions = {}): EventBus {
  return redisUrl === null ? new InProcessEventBus(options) : new RedisEventBus(redisUrl, options);
}

export function defaultOnError(error: unknown, channel: string | null): void {
  const where = channel === null ? 'event bus' : `event bus channel ${channel}`;
  process.emitWarning(
    `${where}: ${error instanceof Error ? error.message : String(error)}`,
    'RosterEventBus',
  );
}

export class EventBusClosedError extends Error {
  constructor() {
    super('the event bus is closed');
    this.name = 'EventBusClosedError';
  }
}
