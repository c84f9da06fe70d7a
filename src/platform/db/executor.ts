// Repository functions take an Executor first: the database itself or an open
// transaction, so a service decides what runs atomically.
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from './database.types.ts';

export type Executor = Kysely<Tables>;

// PostgreSQL aborts one of two transactions that wait on each other
// (deadlock_detected) or that cannot both be serialised; running it again is
// the documented answer. SQLite serialises writers and never raises these.
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/**
 * Runs `work` in one transaction: committed when it resolves, rolled back when
 * it throws, and run again (up to three times in all) when PostgreSQL aborted
 * it to break a deadlock. `work` must therefore only touch the database.
 */
export async function inTransaction<T>(
  db: Kysely<Tables>,
  work: (trx: Transaction<Tables>) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (attempt >= ATTEMPTS || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
    }
  }
}
