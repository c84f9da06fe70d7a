// What the social graph does when an account goes or a profile changes.
// Erasure removes every edge of the user and keeps the other ends' counters
// right; a profile that is public (again) accepts its pending follow requests
// once the change has committed.
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { afterCommit } from '../../platform/db/unit-of-work.ts';
import type { Hooks } from '../../platform/hooks.ts';
import type { ProfilesService } from '../profiles/index.ts';
import { acceptRequestsOf, deleteEdgesOf, listFollowsOf, listRequesters } from './social.repository.ts';

export type GraphProfiles = Pick<
  ProfilesService,
  'lock' | 'isPrivate' | 'adjustFollowCounts' | 'addFollowers' | 'beforeErasure'
>;

/**
 * accountErased: every edge of the user goes, and the counters of the other
 * ends follow. Everyone at the other end is locked first, in id order, like
 * any follow would lock them; a follow waiting on the erased user then finds
 * it gone.
 */
export async function forgetSocial(trx: Executor, profiles: GraphProfiles, userId: string): Promise<void> {
  const other = (e: { followerId: string; followeeId: string }) =>
    e.followerId === userId ? e.followeeId : e.followerId;
  const locked = new Set((await listFollowsOf(trx, userId)).map(other));
  await profiles.lock(trx, [userId, ...locked]);
  // Read again under the locks: an edge may have come meanwhile. Its other end
  // is locked now, out of order; should that deadlock, PostgreSQL aborts one
  // side and inTransaction runs it again.
  const current = await listFollowsOf(trx, userId);
  await profiles.lock(
    trx,
    [...new Set(current.map(other))].filter((id) => !locked.has(id)),
  );
  for (const e of current.filter((edge) => edge.status === 'following'))
    await profiles.adjustFollowCounts(trx, e.followerId, e.followeeId, -1);
  await deleteEdgesOf(trx, userId);
}

/** Requests accepted per transaction when an account turns public. */
const ACCEPT_BATCH = 500;

/**
 * A public account's pending requests become follows. Runs after the change
 * to public has committed, so a follow arriving later sees a public account
 * and one that committed earlier as a request is found here. Works in
 * batches, each its own transaction with its locks taken in id order, so any
 * number of requests fits; stops if the account turns private again.
 */
export async function acceptAllRequests(
  db: Executor,
  profiles: GraphProfiles,
  followeeId: string,
  now: string,
): Promise<void> {
  for (;;) {
    const more = await inTransaction(db, async (trx) => {
      const followers = await listRequesters(trx, followeeId, ACCEPT_BATCH);
      if (followers.length === 0) return false;
      await profiles.lock(trx, [followeeId, ...followers]);
      if ((await profiles.isPrivate(trx, followeeId)) !== false) return false; // private again: the requests wait
      await profiles.addFollowers(trx, followeeId, await acceptRequestsOf(trx, followeeId, followers, now));
      return followers.length === ACCEPT_BATCH;
    });
    if (!more) return;
  }
}

export function registerSocialHooks(hooks: Hooks, db: Executor, profiles: GraphProfiles): void {
  // accountErased, as the first part of the profiles module's handler: the
  // edges must go while the user's profile row can still be locked in order.
  profiles.beforeErasure((trx, userId) => forgetSocial(trx, profiles, userId));
  // Also when it was public already: a request left over by an interrupted
  // earlier switch is accepted then.
  hooks.on('profileChanged', async (trx, e) => {
    if ((await profiles.isPrivate(trx, e.userId)) === false)
      await afterCommit(trx, () => acceptAllRequests(db, profiles, e.userId, e.at.toISOString()));
  });
}
