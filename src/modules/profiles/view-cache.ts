// The rows a user's views are made from (the account, the profile, its tags),
// kept in memory per user: every authenticated read of an app shows its
// caller's profile, and reading three tables each time is most of its cost.
// Views are still made from the rows on every read, so what depends on the
// clock (a subscription's end, presence) is never cached.
//
// Whatever writes those rows drops the user's entry once its transaction
// commits (afterCommit), on this node at once and on the others through the
// event bus (Redis pub/sub with REDIS_URL) within its delivery time. A read
// that overlapped a change may hold the rows from before it, so it is used
// once but never cached (the epoch). A node that missed an event (Redis
// briefly unreachable, or a command-line change on a node without Redis) is
// stale at most for the entry's TTL, as a session revoked there is.
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/executor.ts';
import { afterCommit } from '../../platform/db/unit-of-work.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';

export const PROFILES_CHANGED_CHANNEL = 'profiles.changed';
/** How long a node that missed an event may be stale: the session state's own bound. */
const TTL_MS = 10_000;
const MAX_ENTRIES = 50_000;

interface Entry<T> {
  readonly rows: T;
  readonly until: number;
}

export function createViewCache<T>(deps: { clock: Clock; events: EventBus }) {
  const cache = new Map<string, Entry<T>>();
  let epoch = 0;
  let unsubscribe: (() => Promise<void>) | undefined;
  const forget = (userIds: readonly string[]) => {
    epoch++;
    for (const id of userIds) cache.delete(id);
  };

  return {
    async start(): Promise<void> {
      unsubscribe ??= await deps.events.subscribe(PROFILES_CHANGED_CHANNEL, (message) =>
        forget(JSON.parse(message) as string[]),
      );
    },
    async stop(): Promise<void> {
      await unsubscribe?.();
      unsubscribe = undefined;
      cache.clear();
    },

    /** The user's rows: from memory while fresh, else `load`ed (and kept unless a change overlapped). */
    async read(userId: string, load: () => Promise<T>): Promise<T> {
      const nowMs = deps.clock.now().getTime();
      const hit = cache.get(userId);
      if (hit && hit.until > nowMs) return hit.rows;
      const started = epoch;
      const rows = await load();
      if (epoch !== started) return rows;
      // Oldest first out: a Map iterates in insertion order, and a refreshed entry is inserted anew.
      cache.delete(userId);
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(userId, { rows, until: nowMs + TTL_MS });
      return rows;
    },

    /**
     * These users' rows change in `trx`: their entries go now (a read during
     * the transaction is not kept) and again on every node once it commits.
     */
    async changed(trx: Executor, userIds: readonly string[]): Promise<void> {
      forget(userIds);
      await afterCommit(trx, async () => {
        forget(userIds);
        await deps.events.publish(PROFILES_CHANGED_CHANNEL, JSON.stringify(userIds));
      });
    },
  };
}

export type ViewCache<T> = ReturnType<typeof createViewCache<T>>;
