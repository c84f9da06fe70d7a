// Profiles: the fields people show about themselves, updated by partial
// patches (profile-patch.ts) with both completeness scores kept in the same
// transaction; the views each audience gets (profiles.views.ts); and, for the
// social graph, the profile-row lock and the follower counters it keeps in
// the transaction of its edges (the counters are profile fields: views show
// them, nothing else writes them).

import type { CountryCode } from 'libphonenumber-js';
import { policy } from '../../platform/auth/policy.ts';
import {
  auditActor,
  type Principal,
  staffScopeOf,
  type ViewerRef,
  viewerIdOf,
} from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Dialect } from '../../platform/db/database.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';
import { commonError } from '../../platform/errors.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import type { Hooks } from '../../platform/hooks.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { recordAudit } from '../audit/index.ts';
import {
  findUserById,
  findUserByUsername,
  findUsersByIds,
  isListed,
  isStaffRole,
  normaliseEmail,
  roleOfActive,
  type User,
  type UsersService,
  userError,
} from '../users/index.ts';
import type { CustomFields } from './custom-fields.ts';
import { assertEditable } from './editable-fields.ts';
import {
  applyPatch,
  mergeCustom,
  normaliseTags,
  type ProfilePatch,
  patchedPhone,
  validatePatch,
} from './profile-patch.ts';
import { type ErasureStep, registerProfileHooks, scored } from './profiles.hooks.ts';
import { PROFILE_UPDATES_PER_USER } from './profiles.limits.ts';
import {
  addFollowers,
  adjustFollowCounts,
  emptyProfile,
  findPrivacy,
  findProfile,
  findProfiles,
  lockProfiles,
  type Profile,
  updateAvatarFlag,
  updateAvatarKey,
  upsertProfile,
} from './profiles.repository.ts';
import {
  type AdminView,
  type Audience,
  type AvatarUrl,
  adminView,
  OFFLINE,
  type OwnerView,
  ownerView,
  type PublicView,
  publicView,
  type UserPresence,
} from './profiles.views.ts';
import {
  listTagsOfUsers,
  listUserTags,
  replaceUserTags,
  searchTags,
  type Tag,
  tagDetails,
  tagUsage,
} from './tags.repository.ts';
import { tagKey } from './tags.ts';
import { createViewCache } from './view-cache.ts';

/** What the directory indexes of a profile (its search entry is fed from this by hooks). */
export interface SearchFacts {
  readonly displayName: string | null;
  readonly headline: string | null;
  readonly publicCompleteness: number;
  /** Tag keys, in the user's order. */
  readonly tags: readonly string[];
}

/** What a user's views are made from. */
interface ViewRows {
  readonly user: User;
  readonly profile: Profile;
  readonly tags: Tag[];
}

export function createProfilesService(deps: {
  db: Executor;
  /** Tells every node which users' rows changed (their cached view rows go). */
  events: EventBus;
  dialect: Dialect;
  clock: Clock;
  customFields: CustomFields;
  guard: RateGuard;
  hooks: Hooks;
  /** The user record: the names and the number an edit changes are written there (accountChanged follows). */
  users: Pick<UsersService, 'updateNames' | 'setUnverifiedPhone'>;
  /** Where a number typed without a country code is read (ROSTER_PHONE_DEFAULT_REGION); none by default. */
  phoneDefaultRegion?: CountryCode | null;
  /** Whether the social graph hides one user from another (a block either way). */
  isHidden: (viewerId: string, targetId: string) => Promise<boolean>;
  /** The public URL of an avatar's blob key. */
  avatarUrl: AvatarUrl;
  /** Who is online and when each last signed in (the sessions module's presence). */
  presence: (userIds: readonly string[]) => Promise<ReadonlyMap<string, UserPresence>>;
  /** The fields users may change themselves (ROSTER_PROFILE_EDITABLE_FIELDS); null or absent: all. */
  editableFields?: readonly string[] | null;
}) {
  const { db, dialect, clock, customFields, hooks, avatarUrl } = deps;
  const phoneRegion = deps.phoneDefaultRegion ?? null;
  const editable = deps.editableFields ? new Set(deps.editableFields) : null;
  const beforeErasure: ErasureStep[] = [];
  const viewCache = createViewCache<ViewRows>({ clock, events: deps.events });
  registerProfileHooks(hooks, dialect, beforeErasure);
  // Registered after the handlers above: whatever they wrote is dropped with
  // the change. A new account has no entry anywhere yet.
  for (const event of ['accountChanged', 'profileChanged', 'accountErased'] as const)
    hooks.on(event, (trx, e) => viewCache.changed(trx, [e.userId]));

  /** Staff see staff roles; everyone else sees them as the business role. */
  const audienceOf = async (viewer: ViewerRef): Promise<Audience> => {
    if (!staffScopeOf(viewer)) return { staff: false };
    const account = await findUserById(db, viewerIdOf(viewer));
    return { staff: account !== null && isStaffRole(account.role) };
  };

  async function load(userId: string, ex: Executor = db): Promise<ViewRows> {
    const user = await findUserById(ex, userId);
    if (!user || user.status === 'deleted') throw userError('user_not_found');
    const tags = await listUserTags(ex, userId);
    // Every account gets a profile row at sign-up; scoring covers one made before that rule.
    const profile = (await findProfile(ex, userId)) ?? scored(user, emptyProfile());
    return { user, profile, tags };
  }

  const presenceOf = async (userId: string) => (await deps.presence([userId])).get(userId) ?? OFFLINE;

  // The owner's view is read on every request of theirs: through the view
  // cache. Others' views and staff's read the rows, so a change made outside
  // this process (the command line's ban) shows to them at once.
  const ownView = async (userId: string): Promise<OwnerView> => {
    const { user, profile, tags } = await viewCache.read(userId, () => load(userId));
    return ownerView(user, profile, tags, avatarUrl, await presenceOf(userId), clock.now());
  };

  async function adminViewOf(userId: string): Promise<AdminView> {
    const { user, profile, tags } = await load(userId);
    return adminView(user, profile, tags, avatarUrl, await presenceOf(userId), clock.now());
  }

  /**
   * Checks and writes a patch in one transaction (the owner's edit and the
   * staff edit alike), then `alongside` in the same transaction.
   */
  async function applyPatchTo(
    userId: string,
    patch: ProfilePatch,
    alongside?: (trx: Executor, at: Date) => Promise<void>,
  ): Promise<void> {
    const invalid = validatePatch(patch, phoneRegion);
    if (invalid.length > 0)
      throw commonError('validation_failed', {
        detail: 'Some fields are invalid; see errors.',
        errors: invalid,
      });
    const at = clock.now();
    const now = at.toISOString();
    try {
      await inTransaction(db, async (trx) => {
        // Read and merge under the row lock: two patches at once each keep the other's fields.
        await lockProfiles(trx, dialect, [userId]);
        const { user, profile } = await load(userId, trx);
        const custom = mergeCustom(profile.custom, patch.custom);
        const errors = patch.custom === undefined ? [] : customFields.check(custom);
        if (errors.length > 0)
          throw commonError('validation_failed', { detail: 'Some fields are invalid; see errors.', errors });
        const { names, next } = applyPatch(user, profile, patch, custom);
        if (names.username !== null && names.username !== user.username) {
          // Held by anyone: a verified account, an unverified sign-up or the
          // placeholder of a sign-up for a taken address, alike until the
          // purge frees it; the 409 cannot tell an unverified account exists.
          const holder = await findUserByUsername(trx, names.username);
          if (holder && holder.id !== userId) throw userError('username_taken');
        }
        await deps.users.updateNames(trx, user, names, now);
        const phone = patchedPhone(patch, phoneRegion);
        if (phone !== undefined && phone !== false)
          await deps.users.setUnverifiedPhone(trx, user, phone, now);
        await upsertProfile(trx, userId, scored({ ...user, ...names }, next), now);
        if (patch.tags !== undefined) {
          await replaceUserTags(trx, dialect, userId, normaliseTags(patch.tags ?? []), now);
        }
        await alongside?.(trx, at);
        // The search entry follows; a public account accepts its pending
        // requests once this commits (the social graph's handlers).
        await hooks.run(trx, 'profileChanged', { userId, at });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw userError('username_taken');
      throw error;
    }
  }

  return {
    /** Listens for other nodes' changes to cached view rows. */
    start: () => viewCache.start(),
    stop: () => viewCache.stop(),

    /** The signed-in user's own view. */
    ownView,

    /** What an operator sees of an account. */
    adminView: adminViewOf,

    /** Another user's public view: only listed accounts exist for others, and not across a block. */
    async publicView(userId: string, viewer: ViewerRef): Promise<PublicView> {
      const viewerId = viewerIdOf(viewer);
      const { user, profile, tags } = await load(userId);
      if (!isListed(user) || (await deps.isHidden(viewerId, userId))) throw userError('user_not_found');
      const [audience, presence] = await Promise.all([audienceOf(viewer), presenceOf(userId)]);
      return publicView(user, profile, tags, customFields, audience, avatarUrl, presence, clock.now());
    },

    /**
     * Public views of several users (a page of a list) as the viewer may see
     * them, in the order given; accounts that are not listed are left out.
     * Five queries whatever the page's length; four when the caller has
     * read the users already (`known`).
     */
    async publicViews(
      userIds: readonly string[],
      viewer: ViewerRef,
      known?: ReadonlyMap<string, User>,
    ): Promise<PublicView[]> {
      if (userIds.length === 0) return [];
      const [users, profiles, tags, audience, presence] = await Promise.all([
        known ?? findUsersByIds(db, userIds),
        findProfiles(db, userIds),
        listTagsOfUsers(db, userIds),
        audienceOf(viewer),
        deps.presence(userIds),
      ]);
      const now = clock.now();
      return userIds.flatMap((id) => {
        const user = users.get(id);
        if (!isListed(user)) return [];
        const profile = profiles.get(id) ?? scored(user, emptyProfile());
        const seen = presence.get(id) ?? OFFLINE;
        return [publicView(user, profile, tags.get(id) ?? [], customFields, audience, avatarUrl, seen, now)];
      });
    },

    /**
     * For faces whose profile update carries the email but cannot change it:
     * the account's own address (in any case or spacing) passes, any other
     * is a 422. The address changes only by its own verified flow.
     */
    async confirmSameEmail(userId: string, email: string): Promise<void> {
      const user = await findUserById(db, userId);
      if (!user || user.status === 'deleted') throw userError('user_not_found');
      if (normaliseEmail(email) !== user.email)
        throw commonError('validation_failed', {
          detail: 'The email address cannot be changed here.',
          errors: [{ path: 'email', message: 'cannot be changed with this request' }],
        });
    },

    /** Tags for autocomplete: keys starting with the typed text, most used first. */
    searchTags: (q: string, limit: number) => searchTags(db, tagKey(q), limit),

    /** How many users carry each tag (kept with every tag change; unknown keys are absent). */
    tagUsage: (keys: readonly string[]) => tagUsage(db, keys),

    /** The tags' metadata: usage counts and first use (seed 003's `tagsIds`). */
    tagDetails: (keys: readonly string[]) => tagDetails(db, keys),

    /** What the directory indexes of a user's profile, read in the caller's transaction. */
    async searchFacts(ex: Executor, userId: string): Promise<SearchFacts> {
      const [profile, tags] = await Promise.all([findProfile(ex, userId), listUserTags(ex, userId)]);
      return {
        displayName: profile?.displayName ?? null,
        headline: profile?.headline ?? null,
        publicCompleteness: profile?.publicCompleteness ?? 0,
        tags: tags.map((t) => t.key),
      };
    },

    /**
     * Serialises changes to these users' profiles and the edges between them
     * (PostgreSQL row locks in id order; SQLite writers are serialised already).
     */
    lock: (ex: Executor, userIds: readonly string[]) => lockProfiles(ex, dialect, userIds),

    /** Whether follows of this account need approval; null when it has no profile. */
    isPrivate: (ex: Executor, userId: string) => findPrivacy(ex, userId),

    /** One accepted follow more or fewer, in the caller's transaction (under `lock`). */
    async adjustFollowCounts(ex: Executor, followerId: string, followeeId: string, delta: 1 | -1) {
      await adjustFollowCounts(ex, followerId, followeeId, delta);
      await viewCache.changed(ex, [followerId, followeeId]);
    },

    /**
     * Registers work to do with an erased user before their profile row goes:
     * the social graph's, which locks the user's row with everyone at the other
     * end of an edge, in id order, as every follow does. Deleting the row first
     * would take the user's lock out of that order and deadlock with a follow
     * of the user arriving meanwhile.
     */
    beforeErasure(step: ErasureStep): void {
      beforeErasure.push(step);
    },

    /** Many follows of one account accepted at once, in the caller's transaction (under `lock`). */
    async addFollowers(ex: Executor, followeeId: string, followerIds: readonly string[]) {
      await addFollowers(ex, followeeId, followerIds);
      await viewCache.changed(ex, [followeeId, ...followerIds]);
    },

    /**
     * Points the profile at a new avatar (or none), in the media module's
     * transaction (under `lock`); the search entry and other followers of
     * profileChanged see it at once.
     */
    async setAvatar(trx: Executor, userId: string, key: string | null, at: Date): Promise<void> {
      await updateAvatarKey(trx, userId, key, at.toISOString());
      await hooks.run(trx, 'profileChanged', { userId, at });
    },

    /** Flags the profile when its avatar (still this one) shows no face and faces are required. */
    async flagAvatar(ex: Executor, userId: string, key: string, flagged: boolean) {
      await updateAvatarFlag(ex, userId, key, flagged);
      await viewCache.changed(ex, [userId]);
    },

    /** The user's own edit: only the fields the operator lets users change (403 naming the others). */
    async update(userId: string, patch: ProfilePatch): Promise<OwnerView> {
      await deps.guard.perUser('profile-update', userId, PROFILE_UPDATES_PER_USER);
      assertEditable(patch, editable);
      await applyPatchTo(userId, patch);
      return ownView(userId);
    },

    /**
     * Staff change another user's profile (`admin:profile:write`): every field,
     * whatever ROSTER_PROFILE_EDITABLE_FIELDS leaves to users, under the same
     * rules and limits as the owner's edit; audited with the actor and the
     * fields named. A number typed here is unverified, as the owner's is.
     */
    async staffUpdate(
      principal: Principal,
      userId: string,
      patch: ProfilePatch,
      context: RequestContext,
    ): Promise<AdminView> {
      await policy.authorize(principal, 'admin:profile:write', roleOfActive(db));
      // Counted against the actor: staff and the owner never spend each other's edits.
      const actor = auditActor(principal.actor);
      await deps.guard.perUser(
        'staff-profile-update',
        `${actor.by}:${actor.actorId ?? ''}`,
        PROFILE_UPDATES_PER_USER,
      );
      const target = await findUserById(db, userId);
      if (target && isStaffRole(target.role) && principal.kind !== 'user')
        throw commonError('forbidden', {
          detail: 'A staff account’s profile is changed by staff, not by a service key.',
        });
      await applyPatchTo(userId, patch, (trx, at) =>
        recordAudit(
          trx,
          {
            type: 'profile.changed_by_staff',
            userId,
            context,
            detail: { ...auditActor(principal.actor), fields: Object.keys(patch).sort() },
          },
          at,
        ),
      );
      return adminViewOf(userId);
    },
  };
}

export type ProfilesService = ReturnType<typeof createProfilesService>;
