// Typed lifecycle hooks: how a module reacts to another's change without the
// changing module knowing it exists. Accounts runs `accountErased` and every
// module that holds a user's rows has registered a handler that deletes them;
// a new module (media, OAuth grants, reports, webhooks) plugs in by
// registering, and nothing else changes.
//
// Handlers run in the caller's transaction (`trx` first), one after another in
// the order they were registered (the composition root registers modules in
// dependency order), so a failing handler rolls the whole change back. Work
// that must wait for the commit registers an effect with afterCommit(trx, …).
import type { Executor } from './db/executor.ts';

/** Who or what a lifecycle event is about, and when it happened. */
export interface AccountEvent {
  readonly userId: string;
  readonly at: Date;
}

export interface LifecycleEvents {
  /** A user row was just inserted (every sign-up path, the CLI, later OAuth and compat surfaces). */
  accountCreated: AccountEvent;
  /** The account record changed: an address or number proven, a name, a status. */
  accountChanged: AccountEvent;
  /** The profile (fields, tags, visibility) changed: derived data and read models follow. */
  profileChanged: AccountEvent;
  /** The account is being erased: delete every row of the user this module holds. */
  accountErased: AccountEvent;
}

export type HookHandler<E> = (trx: Executor, event: E) => Promise<void>;

export interface Hooks<Events extends object = LifecycleEvents> {
  on<K extends keyof Events>(name: K, handler: HookHandler<Events[K]>): void;
  run<K extends keyof Events>(trx: Executor, name: K, event: Events[K]): Promise<void>;
}

export function createHooks<Events extends object = LifecycleEvents>(): Hooks<Events> {
  const handlers = new Map<keyof Events, HookHandler<never>[]>();
  return {
    on(name, handler) {
      const list = handlers.get(name) ?? [];
      list.push(handler as HookHandler<never>);
      handlers.set(name, list);
    },
    async run(trx, name, event) {
      for (const handler of handlers.get(name) ?? [])
        await (handler as HookHandler<typeof event>)(trx, event);
    },
  };
}
