// The unit of work of a transaction: effects that must happen only once its
// changes are durable (announcing revoked sessions to other nodes, waking the
// outbox worker, dropping a cache entry). Work registers them on the executor
// it was given; inTransaction runs them after COMMIT, in order, and drops them
// when the transaction rolls back or is retried, so no node hears of a change
// that did not happen.
import type { Kysely } from 'kysely';

export type Effect = () => unknown;

const pending = new WeakMap<object, Effect[]>();

/** Opens the effect list of a transaction (inTransaction only). */
export function beginUnitOfWork(trx: Kysely<never> | object): Effect[] {
  const effects: Effect[] = [];
  pending.set(trx, effects);
  return effects;
}

/** Closes the effect list of a transaction (inTransaction only). */
export function endUnitOfWork(trx: object): void {
  pending.delete(trx);
}

/**
 * Runs `effect` after the transaction `executor` belongs to commits; at once
 * when `executor` is the database itself (there is nothing to wait for).
 */
export async function afterCommit(executor: object, effect: Effect): Promise<void> {
  const effects = pending.get(executor);
  if (effects) effects.push(effect);
  else await effect();
}

/**
 * Runs the committed transaction's effects one after another. Every effect
 * runs even when one fails; the first failure is then thrown, as a failure of
 * hand-written code after the commit would have been.
 */
export async function runEffects(effects: readonly Effect[]): Promise<void> {
  let failure: { error: unknown } | undefined;
  for (const effect of effects) {
    try {
      await effect();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
