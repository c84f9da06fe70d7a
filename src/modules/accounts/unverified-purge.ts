// Sign-ups nobody has proven (no verified address, no verified number) hold
// their address and username for ROSTER_UNVERIFIED_TTL, counted from the
// sign-up; then they go, with everything attached, so that neither a squatter
// nor a sign-up for a taken address holds a name for good. Periodic work, run
// off the request path: each batch is its own short transaction, and none is
// open between batches.
import type { Clock } from '../../platform/clock.ts';
import type { Dialect } from '../../platform/db/database.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { SYSTEM_CONTEXT } from '../../platform/request-context.ts';
import { recordAudit } from '../audit/index.ts';
import { listUnverifiedBefore, lockUnverifiedBefore, type UsersService } from '../users/index.ts';

export const PURGE_BATCH = 100;

export interface PurgeDeps {
  readonly users: UsersService;
  readonly db: Executor;
  readonly dialect: Dialect;
  readonly clock: Clock;
  readonly ttlSeconds: number;
}

/** Purges every unverified sign-up older than the TTL; returns how many went. */
export function createUnverifiedPurge(deps: PurgeDeps): () => Promise<number> {
  const { db, dialect, clock } = deps;
  return async function purgeUnverified(): Promise<number> {
    const now = clock.now();
    const cutoff = new Date(now.getTime() - deps.ttlSeconds * 1000).toISOString();
    let purged = 0;
    let after = '';
    for (;;) {
      const ids = await listUnverifiedBefore(db, cutoff, after, PURGE_BATCH);
      if (ids.length === 0) return purged;
      purged += await inTransaction(db, async (trx) => {
        // Checked again under the row locks: one may have been verified since it was listed.
        const still = await lockUnverifiedBefore(trx, dialect, ids, cutoff);
        for (const id of still) {
          await recordAudit(
            trx,
            { type: 'account.deleted', userId: id, context: SYSTEM_CONTEXT, detail: { by: 'purge' } },
            now,
          );
        }
        // Every module forgets them (accountErased), and no tombstone is
        // kept: nobody ever proved these accounts were theirs.
        await deps.users.remove(trx, still, now.toISOString());
        return still.length;
      });
      if (ids.length < PURGE_BATCH) return purged;
      after = ids[ids.length - 1]!;
    }
  };
}
