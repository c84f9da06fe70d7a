// Repository functions take an Executor first: the database itself or an open
// transaction, so a service decides what runs atomically.
import type { Kysely, Transaction } from 'kysely';
import type { Tables } from './database.types.ts';

export type Executor = Kysely<Tables>;

/** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
export function inTransaction<T>(
  db: Kysely<Tables>,
  work: (trx: Transaction<Tables>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(work);
}
