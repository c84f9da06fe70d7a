// Repository functions take an Executor first: the database itself or an open
// transaction, so a service decides what runs atomically.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from './database.types.ts';
import { beginUnitOfWork, type Effect, endUnitOfWork, runEffects } from './unit-of-work.ts';

export type Executor = Kysely<Tables>;

// PostgreSQL aborts one of two transactions that wait on each other
// (deadlock_detected) or that cannot both be serialised; running it again is
// the documented answer. SQLite serialises writers and never raises these.
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/**
 * The transaction the current async call chain is inside. Work awaited by a
 * transaction that asks the root handle for a connection waits for itself on
 * SQLite (one connection, held by the transaction: the server hangs) and holds
 * two pool connections on PostgreSQL; the guarded driver (guarded-dialect.ts)
 * throws instead.
 */
const openTransaction = new AsyncLocalStorage<{ open: boolean }>();

/** Thrown when the root database handle is used inside an open transaction. */
export class NestedConnectionError extends Error {
  constructor() {
    super(
      'the root database handle was used inside an open transaction: pass the transaction (trx) ' +
        'instead, or do this work before or after it',
    );
    this.name = 'NestedConnectionError';
  }
}

/** Throws NestedConnectionError when called from work inside an open transaction. */
export function assertNoOpenTransaction(): void {
  if (openTransaction.getStore()?.open) throw new NestedConnectionError();
}

/**
 * Runs `fn` outside the caller's transaction context: for background work
 * started from inside a transaction (a worker woken by a commit) that must not
 * count as part of it.
 */
export function detached<T>(fn: () => T): T {
  return openTransaction.exit(fn);
}

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when
 * it throws, and run again (up to three times in all) when PostgreSQL aborted
 * it to break a deadlock. `work` must therefore only touch the database, and
 * only through `trx`; what must follow the commit (events, wake-ups) it
 * registers with `afterCommit(trx, effect)` (unit-of-work.ts), and those
 * effects run once, after COMMIT, only for the attempt that committed.
 */
export async function inTransaction<T>(
  db: Kysely<Tables>,
  work: (trx: Transaction<Tables>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const state = { open: true };
    let effects: Effect[] = [];
    let result: T;
    try {
      result = await db.transaction().execute((trx) => {
        effects = beginUnitOfWork(trx);
        return openTransaction.run(state, () => work(trx)).finally(() => endUnitOfWork(trx));
      });
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
      continue;
    } finally {
      // Callbacks that outlive the transaction (timers it set) are outside it now.
      state.open = false;
    }
    // Committed: the effects the work registered run now, outside it.
    await runEffects(effects);
    return result;
  }
}
