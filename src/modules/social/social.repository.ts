// Edges of the social graph: follows (with requests), blocks, bookmarks. Every
// function runs in the caller's transaction, one query each; the counters of
// accepted follows are the profiles module's, which the service keeps in the
// same transaction under the pair lock.
import { type ExpressionBuilder, type RawBuilder, type Selectable, sql } from 'kysely';
import type { Dialect } from '../../platform/db/database.ts';
import type { Tables } from '../../platform/db/database.types.ts';
import type { Executor } from '../../platform/db/executor.ts';
import { isId, newId } from '../../platform/ids.ts';
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

/** A follow or follow request by its id, when the user is either end of it. */
export async function findEntryOf(db: Executor, id: string, userId: string): Promise<FollowEdge | null> {
  if (!isId(id)) return null;
  const r = await db
    .selectFrom('follows')
    .selectAll()
    .where('id', '=', id)
    .where((eb) => eb.or([eb('follower_id', '=', userId), eb('followee_id', '=', userId)]))
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
  return updated.numUpdatedRows > 0n;
}

/** Who asked to follow this account, in id order (the order their profiles are locked in). */
export async function listRequesters(db: Executor, followeeId: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('follows')
    .select('follower_id')
    .where('followee_id', '=', followeeId)
    .where('status', '=', 'requested')
    .orderBy('follower_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.follower_id);
}

/** These followers' pending requests become follows; the followers whose request it did. */
export async function acceptRequestsOf(
  db: Executor,
  followeeId: string,
  followerIds: readonly string[],
  now: string,
): Promise<string[]> {
  if (followerIds.length === 0) return [];
  const accepted = await db
    .updateTable('follows')
    .set({ status: 'following', since: now })
    .where('followee_id', '=', followeeId)
    .where('follower_id', 'in', followerIds)
    .where('status', '=', 'requested')
    .returning('follower_id')
    .execute();
  return accepted.map((r) => r.follower_id);
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

/** Whoever the viewer blocks or is blocked by: the users visibleTo hides from them. */
export async function hiddenFrom(db: Executor, viewerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('blocks')
    .select('blocked_id as id')
    .where('blocker_id', '=', viewerId)
    .union(db.selectFrom('blocks').select('blocker_id as id').where('blocked_id', '=', viewerId))
    .execute();
  return rows.map((r) => r.id);
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

/** The viewer's bookmarks among these users: target id → bookmark id. */
export async function bookmarkIdsOf(
  db: Executor,
  userId: string,
  targetIds: readonly string[],
): Promise<Map<string, string>> {
  if (targetIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('bookmarks')
    .select(['id', 'target_id'])
    .where('user_id', '=', userId)
    .where('target_id', 'in', targetIds)
    .execute();
  return new Map(rows.map((r) => [r.target_id, r.id]));
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

const touching = (userId: string) => (eb: ExpressionBuilder<Tables, 'follows'>) =>
  eb.or([eb('follower_id', '=', userId), eb('followee_id', '=', userId)]);

/** Every follow and request to or from the user. */
export async function listFollowsOf(db: Executor, userId: string): Promise<FollowEdge[]> {
  return (await db.selectFrom('follows').selectAll().where(touching(userId)).execute()).map(toEdge);
}

/** Erasure: every edge of the user, whichever end, in all three graphs. */
export async function deleteEdgesOf(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('follows').where(touching(userId)).execute();
  await db
    .deleteFrom('blocks')
    .where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)]))
    .execute();
  await db
    .deleteFrom('bookmarks')
    .where((eb) => eb.or([eb('user_id', '=', userId), eb('target_id', '=', userId)]))
    .execute();
}

// ---- lists: keyset pages, newest first, users the viewer may see ----

export type ListKind = 'followers' | 'following' | 'requests' | 'blocks' | 'bookmarks';

/** Where a list page ends: the last entry's time and id, so equal times still order. */
export interface ListKey {
  readonly at: string;
  readonly id: string;
}

export const entryKey = (e: ListEntry): ListKey => ({ at: e.at, id: e.id });

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Only keys entryKey makes: anything else would reach the database as a bad timestamp. */
export function isListKey(key: ListKey): boolean {
  const { at, id } = key;
  if (typeof at !== 'string' || typeof id !== 'string') return false;
  if (!ISO_INSTANT.test(at) || !isId(id) || at < '0001') return false;
  // A date the database would refuse (February 30th, the year 0) must not get that far.
  return !Number.isNaN(Date.parse(at)) && new Date(at).toISOString() === at;
}

/**
 * The page key of one entry of an owner's follow list (followers, following
 * or pending requests to the owner), by the entry's id: where a list given
 * "the id of the last entry seen" resumes. Null when the id is no entry of
 * that list.
 */
export async function findListKey(
  db: Executor,
  kind: 'followers' | 'following' | 'requests',
  ownerId: string,
  entryId: string,
): Promise<ListKey | null> {
  if (!isId(entryId)) return null;
  const owner = kind === 'following' ? 'follower_id' : 'followee_id';
  const row = await db
    .selectFrom('follows')
    .select(['id', 'since', 'created_at'])
    .where('id', '=', entryId)
    .where(owner, '=', ownerId)
    .where('status', '=', kind === 'requests' ? 'requested' : 'following')
    .executeTakeFirst();
  if (!row) return null;
  const at = kind === 'requests' ? row.created_at : row.since;
  return at === null ? null : { at: at as string, id: row.id };
}

/**
 * Up to `limit` entries of a list after `after` (a key isListKey accepts),
 * newest first, without the users the viewer is hidden from or hides (your
 * own blocks list excepted: it shows whom you block). Whether each user is
 * listed is the caller's to check, on the user record.
 */
export async function listEntries(
  db: Executor,
  dialect: Dialect,
  kind: ListKind,
  ownerId: string,
  viewerId: string,
  after: ListKey | undefined,
  limit: number,
): Promise<ListEntry[]> {
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
          .select(['e.id as id', `e.${theirs} as userId`, 'e.since as at'])
          .where(`e.${mine}`, '=', ownerId)
          .where('e.status', '=', 'following');
      }
      case 'requests':
        return db
          .selectFrom('follows as e')
          .select(['e.id as id', 'e.follower_id as userId', 'e.created_at as at'])
          .where('e.followee_id', '=', ownerId)
          .where('e.status', '=', 'requested');
      case 'blocks':
        return db
          .selectFrom('blocks as e')
          .select(['e.id as id', 'e.blocked_id as userId', 'e.created_at as at'])
          .where('e.blocker_id', '=', ownerId);
      case 'bookmarks':
        return db
          .selectFrom('bookmarks as e')
          .select(['e.id as id', 'e.target_id as userId', 'e.created_at as at'])
          .where('e.user_id', '=', ownerId);
    }
  })();
  const timeColumn = kind === 'followers' || kind === 'following' ? 'e.since' : 'e.created_at';
  const userColumn =
    kind === 'followers' || kind === 'requests'
      ? 'e.follower_id'
      : kind === 'following'
        ? 'e.followee_id'
        : kind === 'blocks'
          ? 'e.blocked_id'
          : 'e.target_id';
  let qb = base;
  if (kind !== 'blocks') qb = qb.where(visibleTo(dialect, viewerId, userColumn));
  if (after) qb = qb.where(sql<boolean>`(${sql.ref(timeColumn)}, e.id) < (${after.at}, ${after.id})`);
  const rows = await qb.orderBy(sql.ref(timeColumn), 'desc').orderBy('e.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, userId: r.userId, at: r.at as string }));
}
