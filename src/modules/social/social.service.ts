// Follows (with requests for private accounts), blocks and bookmarks. Each
// change runs in one transaction with the pair lock held, so the counters
// always equal the accepted edges, whatever arrives at once.

import { policy } from '../../platform/auth/policy.ts';
import { type UserPrincipal, type ViewerRef, viewerIdOf } from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Dialect } from '../../platform/db/database.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { commonError } from '../../platform/errors.ts';
import type { Hooks } from '../../platform/hooks.ts';
import type { Page, PageRequest } from '../../platform/page.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import type { ProfilesService, PublicView } from '../profiles/index.ts';
import {
  findUserById,
  findUsersByIds,
  isListed,
  type User,
  type UsersService,
  userError,
} from '../users/index.ts';
import { socialError } from './social.errors.ts';
import { registerSocialHooks } from './social.hooks.ts';
import { GRAPH_CHANGES_PER_USER } from './social.limits.ts';
import {
  acceptFollow,
  bookmarkIdsOf,
  deleteBlock,
  deleteBookmarks,
  deleteFollow,
  entryKey,
  findEntryOf,
  findFollow,
  findListKey,
  findRequest,
  insertBlock,
  insertBookmark,
  insertFollow,
  isBlocked,
  isBookmarked,
  isListKey,
  type ListEntry,
  type ListKey,
  type ListKind,
  listEntries,
} from './social.repository.ts';
import type { FollowStatus } from './social.table.ts';

export interface Relationship {
  following: boolean;
  followedBy: boolean;
  requested: boolean;
  requestedBy: boolean;
  blocking: boolean;
  blockedBy: boolean;
  bookmarked: boolean;
}

/** One item of a list: the edge's id (a request's, to answer it by), when, and the other user's public view. */
export interface ListItem {
  readonly id: string;
  readonly at: string;
  readonly view: PublicView;
}

export type ListPage = Page<ListItem, ListKey>;

/** The most entries one round of a list page reads, however many it skips. */
const MAX_ROUND = 400;

/** What a page of `limit` reads first: the page, one to tell whether more follow, and half a page to spare. */
export const firstRoundOf = (limit: number): number => limit + 1 + Math.ceil((limit + 1) / 2);

export function createSocialService(deps: {
  db: Executor;
  dialect: Dialect;
  clock: Clock;
  profiles: Pick<
    ProfilesService,
    'publicViews' | 'lock' | 'isPrivate' | 'adjustFollowCounts' | 'addFollowers' | 'beforeErasure'
  >;
  guard: RateGuard;
  hooks: Hooks;
  /** The acting account is held active for the length of each write (erasure waits, or the write is refused). */
  users: Pick<UsersService, 'lockActive'>;
}) {
  const { db, dialect, clock, profiles, guard } = deps;
  registerSocialHooks(deps.hooks, db, profiles);
  const changing = (userId: string) => guard.perUser('graph-change', userId, GRAPH_CHANGES_PER_USER);
  const now = () => clock.now().toISOString();
  const lockPair = (trx: Executor, a: string, b: string) => profiles.lock(trx, [a, b]);
  /** Removes the edge; an accepted follow takes its counters with it. */
  async function unlink(trx: Executor, followerId: string, followeeId: string): Promise<FollowStatus | null> {
    const status = await deleteFollow(trx, followerId, followeeId);
    if (status === 'following') await profiles.adjustFollowCounts(trx, followerId, followeeId, -1);
    return status;
  }

  /**
   * A listed account other than the caller's (active, verified); 404 when
   * not, or when either blocks the other and `hideBlocked` says so. Changes
   * call it under the pair lock, so an erasure or a ban cannot win a race.
   */
  async function other(
    callerId: string,
    targetId: string,
    options: { hideBlocked: boolean },
    ex: Executor = db,
  ): Promise<void> {
    if (targetId === callerId) throw socialError('self_relation');
    if (!isListed(await findUserById(ex, targetId))) throw userError('user_not_found');
    if (options.hideBlocked && (await isHidden(callerId, targetId, ex))) throw userError('user_not_found');
  }

  async function isHidden(viewerId: string, targetId: string, ex: Executor = db): Promise<boolean> {
    if (viewerId === targetId) return false;
    return (await isBlocked(ex, targetId, viewerId)) || (await isBlocked(ex, viewerId, targetId));
  }

  /** The page key after one entry of an owner's list, by the entry's id; 400 `invalid_cursor` when it is none. */
  async function keyAfter(kind: 'followers' | 'following' | 'requests', ownerId: string, entryId: string) {
    const key = await findListKey(db, kind, ownerId, entryId);
    if (!key) throw commonError('invalid_cursor', { detail: 'The offset is no entry of this list.' });
    return key;
  }

  /**
   * A page of a list: `limit` entries of users the viewer may see. Entries of
   * accounts that are not listed (banned, never verified) are skipped as the
   * user record says now, reading on until the page is full, so a page is
   * short only at the end of the list. The first round reads half a page
   * more than it needs, so a list with a few such entries takes one round;
   * each further round reads twice the last.
   */
  async function page(
    kind: ListKind,
    ownerId: string,
    viewer: ViewerRef,
    input: PageRequest<ListKey>,
  ): Promise<ListPage> {
    const viewerId = viewerIdOf(viewer);
    if (input.after !== undefined && !isListKey(input.after)) throw commonError('invalid_cursor');
    const wanted = input.limit + 1;
    const kept: ListEntry[] = [];
    const users = new Map<string, User>();
    let after = input.after;
    for (
      let round = firstRoundOf(input.limit);
      kept.length < wanted;
      round = Math.min(2 * round, MAX_ROUND)
    ) {
      const entries = await listEntries(db, dialect, kind, ownerId, viewerId, after, round);
      for (const [id, user] of await findUsersByIds(
        db,
        entries.map((e) => e.userId),
      ))
        users.set(id, user);
      kept.push(...entries.filter((e) => isListed(users.get(e.userId))).slice(0, wanted - kept.length));
      if (entries.length < round) break;
      after = entryKey(entries[entries.length - 1]!);
    }
    const shown = kept.slice(0, input.limit);
    const views = new Map(
      (
        await profiles.publicViews(
          shown.map((e) => e.userId),
          viewer,
          users,
        )
      ).map((v) => [v.id, v]),
    );
    return {
      items: shown.flatMap((e) => {
        const view = views.get(e.userId);
        return view ? [{ id: e.id, at: e.at, view }] : [];
      }),
      next: kept.length > input.limit ? entryKey(shown[shown.length - 1]!) : null,
    };
  }

  return {
    isHidden,

    /** Follows a public account at once; asks a private one. Following again changes nothing. */
    async follow(followerId: string, followeeId: string): Promise<FollowStatus> {
      await changing(followerId);
      return inTransaction(db, async (trx) => {
        await deps.users.lockActive(trx, followerId);
        await lockPair(trx, followerId, followeeId);
        await other(followerId, followeeId, { hideBlocked: false }, trx);
        if (await isBlocked(trx, followeeId, followerId)) throw userError('user_not_found');
        if (await isBlocked(trx, followerId, followeeId)) throw socialError('blocked_by_you');
        const existing = await findFollow(trx, followerId, followeeId);
        const status = (await profiles.isPrivate(trx, followeeId)) ? 'requested' : 'following';
        // A request left pending on an account that is public now (say, the
        // node stopped between going public and accepting) is accepted here.
        if (existing?.status === 'requested' && status === 'following') {
          if (await acceptFollow(trx, existing, now()))
            await profiles.adjustFollowCounts(trx, followerId, followeeId, 1);
          return 'following';
        }
        if (existing) return existing.status;
        const added = await insertFollow(trx, followerId, followeeId, status, now());
        if (added && status === 'following')
          await profiles.adjustFollowCounts(trx, followerId, followeeId, 1);
        return added ? status : ((await findFollow(trx, followerId, followeeId))?.status ?? status);
      });
    },

    /** Unfollows, or withdraws a pending request; nothing to undo is fine too. */
    async unfollow(followerId: string, followeeId: string): Promise<void> {
      await changing(followerId);
      if (followerId === followeeId) throw socialError('self_relation');
      await inTransaction(db, async (trx) => {
        await lockPair(trx, followerId, followeeId);
        await unlink(trx, followerId, followeeId);
      });
    },

    /** Drops a follower (or their pending request) from one's own account. */
    async removeFollower(ownerId: string, followerId: string): Promise<void> {
      await changing(ownerId);
      if (ownerId === followerId) throw socialError('self_relation');
      await inTransaction(db, async (trx) => {
        await lockPair(trx, ownerId, followerId);
        await unlink(trx, followerId, ownerId);
      });
    },

    async answerRequest(ownerId: string, requestId: string, accept: boolean): Promise<void> {
      await changing(ownerId);
      await inTransaction(db, async (trx) => {
        await deps.users.lockActive(trx, ownerId);
        const request = await findRequest(trx, requestId, ownerId);
        if (!request) throw socialError('request_not_found');
        await lockPair(trx, ownerId, request.followerId);
        const done = accept
          ? await acceptFollow(trx, request, now())
          : (await unlink(trx, request.followerId, ownerId)) !== null;
        if (done && accept) await profiles.adjustFollowCounts(trx, request.followerId, ownerId, 1);
        // Withdrawn between the read and the lock.
        if (!done) throw socialError('request_not_found');
      });
    },

    /**
     * Blocking removes follows and requests both ways, and bookmarks both ways.
     * A user who blocks the caller is a 404 here too, as for an unknown id:
     * a 204 (and the relationship it would open) would tell the hidden block.
     * Blocking again a user one already blocks stays a 204.
     */
    async block(blockerId: string, blockedId: string): Promise<void> {
      await changing(blockerId);
      await inTransaction(db, async (trx) => {
        await deps.users.lockActive(trx, blockerId);
        await lockPair(trx, blockerId, blockedId);
        await other(blockerId, blockedId, { hideBlocked: false }, trx);
        if (!(await isBlocked(trx, blockerId, blockedId)) && (await isBlocked(trx, blockedId, blockerId))) {
          throw userError('user_not_found');
        }
        await unlink(trx, blockerId, blockedId);
        await unlink(trx, blockedId, blockerId);
        await deleteBookmarks(trx, blockerId, blockedId);
        await deleteBookmarks(trx, blockedId, blockerId);
        await insertBlock(trx, blockerId, blockedId, now());
      });
    },

    async unblock(blockerId: string, blockedId: string): Promise<void> {
      await changing(blockerId);
      if (blockerId === blockedId) throw socialError('self_relation');
      await deleteBlock(db, blockerId, blockedId);
    },

    /** Which of these users the viewer bookmarked: user id → bookmark id (a page of a list). */
    bookmarkIds: (viewerId: string, targetIds: readonly string[]) => bookmarkIdsOf(db, viewerId, targetIds),

    /** Under the pair lock, like a block: a bookmark never outlives a block made at the same moment. */
    async bookmark(userId: string, targetId: string): Promise<void> {
      await changing(userId);
      await inTransaction(db, async (trx) => {
        await deps.users.lockActive(trx, userId);
        await lockPair(trx, userId, targetId);
        await other(userId, targetId, { hideBlocked: true }, trx);
        await insertBookmark(trx, userId, targetId, now());
      });
    },

    async unbookmark(userId: string, targetId: string): Promise<void> {
      await changing(userId);
      await deleteBookmarks(db, userId, targetId);
    },

    /**
     * How the viewer relates to a user. A user who blocks the viewer is a 404,
     * as their profile is: `blockedBy` would tell what the 404 hides, so it is
     * always false. A user the viewer blocks answers (the viewer knows), with
     * `blocking` true whether or not they block back. What the credential may
     * not read is false: `blocking` without social:block:read, `bookmarked`
     * without social:bookmark:read (a token for follows learns only follows).
     */
    async relationship(viewer: UserPrincipal, targetId: string): Promise<Relationship> {
      const viewerId = viewer.userId;
      await other(viewerId, targetId, { hideBlocked: false });
      const blocking = await isBlocked(db, viewerId, targetId);
      if (!blocking && (await isBlocked(db, targetId, viewerId))) throw userError('user_not_found');
      const [out, into] = await Promise.all([
        findFollow(db, viewerId, targetId),
        findFollow(db, targetId, viewerId),
      ]);
      return {
        following: out?.status === 'following',
        requested: out?.status === 'requested',
        followedBy: into?.status === 'following',
        requestedBy: into?.status === 'requested',
        blocking: blocking && policy.can(viewer, 'social:block:read'),
        blockedBy: false,
        bookmarked:
          policy.can(viewer, 'social:bookmark:read') && (await isBookmarked(db, viewerId, targetId)),
      };
    },

    /**
     * Followers or following of any user. A private account's lists are for
     * itself and its accepted followers; a user hidden by a block is a 404.
     */
    async connections(
      kind: 'followers' | 'following',
      ownerId: string,
      viewer: ViewerRef,
      input: PageRequest<ListKey>,
      /** Faces that page by the previous page's last entry: its id, read once access is settled. */
      afterEntry?: string,
    ): Promise<ListPage> {
      const viewerId = viewerIdOf(viewer);
      if (ownerId !== viewerId) {
        const owner = await findUserById(db, ownerId);
        if (!isListed(owner) || (await isHidden(viewerId, ownerId))) throw userError('user_not_found');
        if (await profiles.isPrivate(db, ownerId)) {
          const edge = await findFollow(db, viewerId, ownerId);
          if (edge?.status !== 'following') throw socialError('private_account');
        }
      }
      const after = afterEntry === undefined ? input.after : await keyAfter(kind, ownerId, afterEntry);
      return page(kind, ownerId, viewer, { ...input, after });
    },

    /**
     * Removes a follow entry by its id, from either end: one's own follow or
     * request is unfollowed, a follower of one's own (or their request)
     * removed. 404 `not_found` when the caller is at neither end of it.
     */
    async removeEntry(userId: string, entryId: string): Promise<void> {
      await changing(userId);
      const entry = await findEntryOf(db, entryId, userId);
      if (!entry) throw commonError('not_found', { detail: 'No such follow entry of yours.' });
      await inTransaction(db, async (trx) => {
        await lockPair(trx, entry.followerId, entry.followeeId);
        await unlink(trx, entry.followerId, entry.followeeId);
      });
    },

    /**
     * The page key after one entry of an owner's follow list, by the entry's
     * id (a face whose pages resume "after the last id seen"); 400
     * `invalid_cursor` when the id is no entry of that list.
     */
    keyAfterEntry: keyAfter,

    /** The caller's own lists: pending requests, blocks, bookmarks. */
    ownList: (kind: 'requests' | 'blocks' | 'bookmarks', viewer: ViewerRef, input: PageRequest<ListKey>) =>
      page(kind, viewerIdOf(viewer), viewer, input),
  };
}

export type SocialService = ReturnType<typeof createSocialService>;
