// Edges of the social graph and the counters beside them. Every function runs
// in the caller's transaction; the service takes the pair lock first, so two
// users following each other at once cannot deadlock on the counters.
import { type ExpressionBuilder, type RawBuilder, type Selectable, sql } from 'kysely';
import type { Dialect } from '../../platform/db/database.ts';
import type { Tables } from '../../platform/db/database.types.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { isId, newId } from '../../platform/ids.ts';
import { listedUser } from '../users/index.ts';
import { lockProfiles } from '../profiles/index.ts';
import type { FollowStatus, FollowsTable } from './social.table.ts';

export interface FollowEdge {
  readonly id: string;
  readonly followerId: string;
  readonly followeeId: string;
  readonly status: FollowStatus;
  readonly createdAt: string;
  readonly since: string | null;
}

/** One item of a list: the other user's id, when, and the key of its place in the list. */
export interface ListEntry {
  readonly id: string;
  readonly userId: string;
  readonly at: string;
}

const toEdge = (r: Selectable<FollowsTable>): FollowEdge => ({
  id: r.id,
  followerId: r.follower_id,
  followeeId: r.followee_id,
  status: r.status,
  createdAt: r.created_at,
  since: r.since,
});

export const lockPair = (db: Executor, dialect: Dialect, a: string, b: string) =>
  lockProfiles(db, dialect, [a, b]);

export async function findFollow(
  db: Executor,
  followerId: string,
  followeeId: string,
): Promise<FollowEdge | null> {
  const r = await db
    .selectFrom('follows')
    .selectAll()
    .where('follower_id', '=', followerId)
    .where('followee_id', '=', followeeId)
    .executeTakeFirst();
  return r ? toEdge(r) : null;
}

/** Adds the edge unless one exists; true when this call added it. */
export async function insertFollow(
  db: Executor,
  followerId: string,
  followeeId: string,
  status: FollowStatus,
  now: string,
): Promise<boolean> {
  const inserted = await db
    .insertInto('follows')
    .values({
      id: newId(),
      follower_id: followerId,
      followee_id: followeeId,
      status,
      created_at: now,
      since: status === 'following' ? now : null,
    })
    .onConflict((oc) => oc.columns(['follower_id', 'followee_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Counters move only for accepted follows. */
export async function adjustCounts(
  db: Executor,
  followerId: string,
  followeeId: string,
  delta: 1 | -1,
): Promise<void> {
  await db
    .updateTable('profiles')
    .set((eb) => ({ following_count: eb('following_count', '+', delta) }))
    .where('user_id', '=', followerId)
    .execute();
  await db
    .updateTable('profiles')
    .set((eb) => ({ follower_count: eb('follower_count', '+', delta) }))
    .where('user_id', '=', followeeId)
    .execute();
}

/** Removes the edge, whatever its status; the status it had, or null when there was none. */
export async function deleteFollow(
  db: Executor,
  followerId: string,
  followeeId: string,
): Promise<FollowStatus | null> {
  const r = await db
    .deleteFrom('follows')
    .where('follower_id', '=', followerId)
    .where('followee_id', '=', followeeId)
    .returning('status')
    .executeTakeFirst();
  if (r?.status === 'following') await adjustCounts(db, followerId, followeeId, -1);
  return r?.status ?? null;
}

/** A pending request to this user, by its id. */
export async function findRequest(db: Executor, id: string, followeeId: string): Promise<FollowEdge | null> {
  const r = await db
    .selectFrom('follows')
    .selectAll()
    .where('id', '=', id)
    .where('followee_id', '=', followeeId)
    .where('status', '=', 'requested')
    .executeTakeFirst();
  return r ? toEdge(r) : null;
}

export async function acceptFollow(db: Executor, edge: FollowEdge, now: string): Promise<boolean> {
  const updated = await db
    .updateTable('follows')
    .set({ status: 'following', since: now })
    .where('id', '=', edge.id)
    .where('status', '=', 'requested')
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) return false;
  await adjustCounts(db, edge.followerId, edge.followeeId, 1);
  return true;
}

/** Requests accepted per transaction when an account turns public. */
const ACCEPT_BATCH = 500;

/**
 * A public account's pending requests become follows. Called after the
 * change to public has committed, so a follow arriving later sees a public
 * account and one that committed earlier as a request is found here. Works in
 * batches, each its own transaction with its locks taken in id order, so any
 * number of requests fits; stops if the account turns private again.
 */
export async function acceptAllRequests(
  db: Executor,
  dialect: Dialect,
  followeeId: string,
  now: string,
): Promise<void> {
  for (;;) {
    const more = await inTransaction(db, async (trx) => {
      const batch = await trx
        .selectFrom('follows')
        .select('follower_id')
        .where('followee_id', '=', followeeId)
        .where('status', '=', 'requested')
        .orderBy('follower_id')
        .limit(ACCEPT_BATCH)
        .execute();
      if (batch.length === 0) return false;
      const followers = batch.map((r) => r.follower_id);
      await lockProfiles(trx, dialect, [followeeId, ...followers]);
      const owner = await trx
        .selectFrom('profiles')
        .select('is_private')
        .where('user_id', '=', followeeId)
        .executeTakeFirst();
      if (!owner || owner.is_private) return false; // private again: the requests wait
      const accepted = await trx
        .updateTable('follows')
        .set({ status: 'following', since: now })
        .where('followee_id', '=', followeeId)
        .where('follower_id', 'in', followers)
        .where('status', '=', 'requested')
        .returning('follower_id')
        .execute();
      if (accepted.length > 0) {
        await trx
          .updateTable('profiles')
          .set((eb) => ({ following_count: eb('following_count', '+', 1) }))
          .where(
            'user_id',
            'in',
            accepted.map((r) => r.follower_id),
          )
          .execute();
        await trx
          .updateTable('profiles')
          .set((eb) => ({ follower_count: eb('follower_count', '+', accepted.length) }))
          .where('user_id', '=', followeeId)
          .execute();
      }
      return batch.length === ACCEPT_BATCH;
    });
    if (!more) return;
  }
}

export async function isBlocked(db: Executor, blockerId: string, blockedId: string): Promise<boolean> {
  const r = await db
    .selectFrom('blocks')
    .select('id')
    .where('blocker_id', '=', blockerId)
    .where('blocked_id', '=', blockedId)
    .executeTakeFirst();
  return r !== undefined;
}

export async function insertBlock(
  db: Executor,
  blockerId: string,
  blockedId: string,
  now: string,
): Promise<void> {
  await db
    .insertInto('blocks')
    .values({ id: newId(), blocker_id: blockerId, blocked_id: blockedId, created_at: now })
    .onConflict((oc) => oc.columns(['blocker_id', 'blocked_id']).doNothing())
    .execute();
}

export async function deleteBlock(db: Executor, blockerId: string, blockedId: string): Promise<void> {
  await db
    .deleteFrom('blocks')
    .where('blocker_id', '=', blockerId)
    .where('blocked_id', '=', blockedId)
    .execute();
}

/**
 * A condition on a user column: that user neither blocks the viewer nor is
 * blocked by them. SQLite checks each candidate against the viewer's few
 * blocks, read once; PostgreSQL plans two anti-joins on the blocks' keys.
 */
export function visibleTo(dialect: Dialect, viewerId: string, userColumn: string): RawBuilder<boolean> {
  const user = sql.ref(userColumn);
  if (dialect === 'sqlite') {
    return sql<boolean>`${user} not in (select blocked_id from blocks where blocker_id = ${viewerId}
      union all select blocker_id from blocks where blocked_id = ${viewerId})`;
  }
  return sql<boolean>`(not exists (select 1 from blocks b where b.blocker_id = ${viewerId} and b.blocked_id = ${user})
    and not exists (select 1 from blocks b where b.blocker_id = ${user} and b.blocked_id = ${viewerId}))`;
}

export async function isBookmarked(db: Executor, userId: string, targetId: string): Promise<boolean> {
  const r = await db
    .selectFrom('bookmarks')
    .select('id')
    .where('user_id', '=', userId)
    .where('target_id', '=', targetId)
    .executeTakeFirst();
  return r !== undefined;
}

export async function insertBookmark(
  db: Executor,
  userId: string,
  targetId: string,
  now: string,
): Promise<void> {
  await db
    .insertInto('bookmarks')
    .values({ id: newId(), user_id: userId, target_id: targetId, created_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'target_id']).doNothing())
    .execute();
}

export async function deleteBookmarks(db: Executor, userId: string, targetId: string): Promise<void> {
  await db.deleteFrom('bookmarks').where('user_id', '=', userId).where('target_id', '=', targetId).execute();
}

/**
 * Erasure: every edge of the user goes, and the counters of the other ends
 * follow. Everyone at the other end is locked first, in id order, like any
 * follow would lock them; a follow waiting on the erased user then finds it gone.
 */
export async function forgetSocial(db: Executor, dialect: Dialect, userId: string): Promise<void> {
  const mine = (eb: ExpressionBuilder<Tables, 'follows'>) =>
    eb.or([eb('follower_id', '=', userId), eb('followee_id', '=', userId)]);
  const edges = await db
    .selectFrom('follows')
    .select(['follower_id', 'followee_id', 'status'])
    .where(mine)
    .execute();
  const other = (e: { follower_id: string; followee_id: string }) =>
    e.follower_id === userId ? e.followee_id : e.follower_id;
  const locked = new Set(edges.map(other));
  await lockProfiles(db, dialect, [userId, ...locked]);
  // Read again under the locks: an edge may have come meanwhile. Its other end
  // is locked now, out of order; should that deadlock, PostgreSQL aborts one
  // side and inTransaction runs it again.
  const current = await db
    .selectFrom('follows')
    .select(['follower_id', 'followee_id', 'status'])
    .where(mine)
    .execute();
  await lockProfiles(
    db,
    dialect,
    [...new Set(current.map(other))].filter((id) => !locked.has(id)),
  );
  for (const e of current.filter((edge) => edge.status === 'following')) {
    await adjustCounts(db, e.follower_id, e.followee_id, -1);
  }
  await db.deleteFrom('follows').where(mine).execute();
  await db
    .deleteFrom('blocks')
    .where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)]))
    .execute();
  await db
    .deleteFrom('bookmarks')
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('target_id', '=', userId)]))
    .execute();
}

// ---- lists: keyset pages, newest first, active users the viewer may see ----

export type ListKind = 'followers' | 'following' | 'requests' | 'blocks' | 'bookmarks';

/** The cursor key of an entry: its time and id, so equal times still order. */
export const entryKey = (e: ListEntry): string => `${e.at}|${e.id}`;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Only what entryKey makes: anything else would reach the database as a bad timestamp. */
function parseKey(key: string): { at: string; id: string } | null {
  const [at, id, ...rest] = key.split('|');
  if (!at || !id || rest.length > 0 || !ISO_INSTANT.test(at) || !isId(id) || at < '0001') return null;
  // A date the database would refuse (February 30th, the year 0) must not get that far.
  if (Number.isNaN(Date.parse(at)) || new Date(at).toISOString() !== at) return null;
  return { at, id };
}

export async function listEntries(
  db: Executor,
  dialect: Dialect,
  kind: ListKind,
  ownerId: string,
  viewerId: string,
  after: string | undefined,
  limit: number,
): Promise<ListEntry[] | null> {
  const cursor = after === undefined ? undefined : parseKey(after);
  if (cursor === null) return null;
  const base = (() => {
    switch (kind) {
      case 'followers':
      case 'following': {
        const [mine, theirs] =
          kind === 'followers'
            ? (['followee_id', 'follower_id'] as const)
            : (['follower_id', 'followee_id'] as const);
        return db
          .selectFrom('follows as e')
          .innerJoin('users as u', 'u.id', `e.${theirs}`)
          .select(['e.id as id', `e.${theirs} as userId`, 'e.since as at'])
          .where(`e.${mine}`, '=', ownerId)
          .where('e.status', '=', 'following');
      }
      case 'requests':
        return db
          .selectFrom('follows as e')
          .innerJoin('users as u', 'u.id', 'e.follower_id')
          .select(['e.id as id', 'e.follower_id as userId', 'e.created_at as at'])
          .where('e.followee_id', '=', ownerId)
          .where('e.status', '=', 'requested');
      case 'blocks':
        return db
          .selectFrom('blocks as e')
          .innerJoin('users as u', 'u.id', 'e.blocked_id')
          .select(['e.id as id', 'e.blocked_id as userId', 'e.created_at as at'])
          .where('e.blocker_id', '=', ownerId);
      case 'bookmarks':
        return db
          .selectFrom('bookmarks as e')
          .innerJoin('users as u', 'u.id', 'e.target_id')
          .select(['e.id as id', 'e.target_id as userId', 'e.created_at as at'])
          .where('e.user_id', '=', ownerId);
    }
  })();
  const timeColumn = kind === 'followers' || kind === 'following' ? 'e.since' : 'e.created_at';
  let qb = base.where(listedUser);
  // Your own blocks list shows whom you blocked; every other list hides them.
  if (kind !== 'blocks') qb = qb.where(visibleTo(dialect, viewerId, 'u.id'));
  if (cursor) qb = qb.where(sql<boolean>`(${sql.ref(timeColumn)}, e.id) < (${cursor.at}, ${cursor.id})`);
  const rows = await qb
    .orderBy(sql.ref(timeColumn), 'desc')
    .orderBy('e.id', 'desc')
    .limit(limit + 1)
    .execute();
  return rows.map((r) => ({ id: r.id, userId: r.userId, at: r.at as string }));
}
