// Profiles: the fields people show about themselves, updated by partial
// patches (absent stays, null clears, nested objects merge), with the
// completeness score kept in the same transaction.
import type { Clock } from '../../platform/clock.ts';
import type { Dialect } from '../../platform/db/database.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';
import type { FieldError } from '../../platform/domain-error.ts';
import { commonError } from '../../platform/errors.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import { accountError } from '../accounts/index.ts';
import {
  findUserById,
  findUserByUsername,
  findUsersByIds,
  isListed,
  type User,
} from '../users/index.ts';
import { isStaffRole, publicRole } from '../users/index.ts';
import { normaliseUsername, USERNAME_PATTERN } from '../users/index.ts';
import { acceptAllRequests } from '../social/index.ts';
import type { CustomData, CustomFields } from './custom-fields.ts';
import { checkLocale, checkSocial, checkTimezone } from './profile-rules.ts';
import { scored, writeProfile } from './profile-sync.ts';
import { PROFILE_UPDATES_PER_USER } from './profiles.limits.ts';
import {
  type Contact,
  emptyProfile,
  findProfile,
  findProfiles,
  lockProfiles,
  type Profile,
  type Socials,
  updateNames,
} from './profiles.repository.ts';
import { listTagsOfUsers, listUserTags, replaceUserTags, searchTags, type Tag } from './tags.repository.ts';
import { MAX_TAGS, tagColor, tagKey, tagName } from './tags.ts';

/** A PATCH body: every field optional; null clears. */
export interface ProfilePatch {
  readonly username?: string | null;
  readonly name?: {
    readonly first?: string | null;
    readonly last?: string | null;
    readonly display?: string | null;
  };
  readonly bio?: string | null;
  readonly pronouns?: string | null;
  readonly locale?: string | null;
  readonly timezone?: string | null;
  readonly location?: string | null;
  readonly headline?: string | null;
  readonly about?: string | null;
  readonly availability?: string | null;
  readonly contact?: Partial<Record<keyof Contact, string | null>>;
  readonly socials?: Partial<Record<keyof Socials, string | null>>;
  readonly isPrivate?: boolean;
  /** Replaces the tags; null or [] removes them all. */
  readonly tags?: readonly string[] | null;
  /** Merges at the top level: a key set to null is removed; null clears them all. */
  readonly custom?: CustomData | null;
}

/** Absent keeps the old value; null or a string replaces it (strings trimmed, empty = null). */
const pick = <T extends string | null>(next: T | undefined, old: T): string | null =>
  next === undefined ? old : next === null ? null : next.trim() || null;

function merge<T extends Record<string, string | null>>(
  old: T,
  patch: Partial<Record<keyof T, string | null>> | undefined,
): T {
  if (!patch) return old;
  const out = { ...old };
  for (const key of Object.keys(old) as (keyof T)[]) {
    if (key in patch) out[key] = pick(patch[key] as string | null, old[key] as string | null) as T[keyof T];
  }
  return out;
}

function mergeCustom(old: CustomData, patch: CustomData | null | undefined): CustomData {
  if (patch === undefined) return old;
  if (patch === null) return {};
  const kept = Object.entries(old).filter(([key]) => !Object.hasOwn(patch, key));
  const set = Object.entries(patch).filter(([, value]) => value !== null);
  return Object.fromEntries([...kept, ...set]);
}

/** The account's names and the profile after a patch: absent stays, null clears, nested objects merge. */
function applyPatch(user: User, profile: Profile, patch: ProfilePatch, custom: CustomData) {
  const names = {
    firstName: pick(patch.name?.first, user.firstName),
    lastName: pick(patch.name?.last, user.lastName),
    username:
      patch.username === undefined
        ? user.username
        : patch.username === null
          ? null
          : normaliseUsername(patch.username),
  };
  const next: Profile = {
    ...profile,
    displayName: pick(patch.name?.display, profile.displayName),
    bio: pick(patch.bio, profile.bio),
    pronouns: pick(patch.pronouns, profile.pronouns),
    locale: patch.locale ? Intl.getCanonicalLocales(patch.locale)[0]! : pick(patch.locale, profile.locale),
    timezone: pick(patch.timezone, profile.timezone),
    location: pick(patch.location, profile.location),
    headline: pick(patch.headline, profile.headline),
    about: pick(patch.about, profile.about),
    availability: pick(patch.availability, profile.availability),
    contact: merge(profile.contact, patch.contact),
    socials: merge(profile.socials, patch.socials),
    isPrivate: patch.isPrivate ?? profile.isPrivate,
    custom,
  };
  return { names, next };
}

export interface ProfileView {
  readonly user: User;
  readonly profile: Profile;
  readonly tags: Tag[];
}

/**
 * For others: `custom` is reduced to the part the profile schema lets them
 * see, the completeness is the public score (profile.completeness holds it
 * here), and a staff role shows as the business role, except to staff.
 */
export interface PublicProfileView extends ProfileView {
  readonly custom: CustomData;
}

export function createProfilesService(deps: {
  db: Executor;
  dialect: Dialect;
  clock: Clock;
  customFields: CustomFields;
  guard: RateGuard;
  /** Whether the social graph hides one user from another (a block either way). */
  isHidden: (viewerId: string, targetId: string) => Promise<boolean>;
}) {
  const { db, dialect, clock, customFields } = deps;

  /** Whether the viewer may see staff roles: staff themselves. */
  const seesStaff = async (viewerId: string) => {
    const viewer = await findUserById(db, viewerId);
    return viewer !== null && isStaffRole(viewer.role);
  };

  function forOthers(view: ProfileView, staffViewer: boolean): PublicProfileView {
    const { user, profile } = view;
    return {
      ...view,
      user: staffViewer ? user : { ...user, role: publicRole(user.role) },
      profile: { ...profile, completeness: profile.publicCompleteness },
      custom: customFields.publicPart(profile.custom),
    };
  }

  async function load(userId: string, ex: Executor = db): Promise<ProfileView> {
    const user = await findUserById(ex, userId);
    if (!user || user.status === 'deleted') throw accountError('user_not_found');
    const tags = await listUserTags(ex, userId);
    // Every account gets a profile row at sign-up; scoring covers one made before that rule.
    const profile = (await findProfile(ex, userId)) ?? scored(user, emptyProfile());
    return { user, profile, tags };
  }

  /** Normalised, de-duplicated tags (the first spelling of a key wins). */
  function normaliseTags(names: readonly string[]): Tag[] {
    const seen = new Map<string, Tag>();
    for (const raw of names) {
      const key = tagKey(raw);
      if (key && !seen.has(key)) seen.set(key, { key, name: tagName(raw), color: tagColor(key) });
    }
    return [...seen.values()];
  }

  function validate(patch: ProfilePatch): FieldError[] {
    const errors: FieldError[] = [];
    if (patch.locale) {
      const message = checkLocale(patch.locale);
      if (message) errors.push({ path: 'locale', message });
    }
    if (patch.timezone) {
      const message = checkTimezone(patch.timezone);
      if (message) errors.push({ path: 'timezone', message });
    }
    for (const [network, value] of Object.entries(patch.socials ?? {})) {
      const message = value ? checkSocial(network, value) : null;
      if (message) errors.push({ path: `socials.${network}`, message });
    }
    if (patch.tags && normaliseTags(patch.tags).length > MAX_TAGS) {
      errors.push({ path: 'tags', message: `must hold at most ${MAX_TAGS} different tags` });
    }
    if (typeof patch.username === 'string' && !USERNAME_PATTERN.test(normaliseUsername(patch.username))) {
      errors.push({ path: 'username', message: 'must be 3–30 of a–z, 0–9 and _' });
    }
    return errors;
  }

  return {
    load,

    /** Tags for autocomplete: keys starting with the typed text, most used first. */
    searchTags: (q: string, limit: number) => searchTags(db, tagKey(q), limit),

    /** Another user's profile, for the public view: only active accounts exist for others. */
    async loadPublic(userId: string, viewerId: string): Promise<PublicProfileView> {
      const found = await load(userId);
      if (!isListed(found.user) || (await deps.isHidden(viewerId, userId)))
        throw accountError('user_not_found');
      return forOthers(found, await seesStaff(viewerId));
    },

    /**
     * Public views of several users (a page of a list) as the viewer may see
     * them, in the order given; accounts that are not listed are left out.
     */
    async loadPublicMany(userIds: readonly string[], viewerId: string): Promise<PublicProfileView[]> {
      const [users, profiles, tags, staffViewer] = await Promise.all([
        findUsersByIds(db, userIds),
        findProfiles(db, userIds),
        listTagsOfUsers(db, userIds),
        seesStaff(viewerId),
      ]);
      return userIds.flatMap((id) => {
        const user = users.get(id);
        if (!isListed(user)) return [];
        const profile = profiles.get(id) ?? scored(user, emptyProfile());
        return [forOthers({ user, profile, tags: tags.get(id) ?? [] }, staffViewer)];
      });
    },

    async update(userId: string, patch: ProfilePatch): Promise<ProfileView> {
      await deps.guard.perUser('profile-update', userId, PROFILE_UPDATES_PER_USER);
      const invalid = validate(patch);
      if (invalid.length > 0)
        throw commonError('validation_failed', {
          detail: 'Some fields are invalid; see errors.',
          errors: invalid,
        });
      const now = clock.now().toISOString();
      let isPrivate = false;
      try {
        await inTransaction(db, async (trx) => {
          // Read and merge under the row lock: two patches at once each keep the other's fields.
          await lockProfiles(trx, dialect, [userId]);
          const { user, profile } = await load(userId, trx);
          const custom = mergeCustom(profile.custom, patch.custom);
          const errors = patch.custom === undefined ? [] : customFields.check(custom);
          if (errors.length > 0)
            throw commonError('validation_failed', {
              detail: 'Some fields are invalid; see errors.',
              errors,
            });
          const { names, next } = applyPatch(user, profile, patch, custom);
          isPrivate = next.isPrivate;
          if (names.username !== null && names.username !== user.username) {
            // Held by anyone: a verified account, an unverified sign-up or the
            // placeholder of a sign-up for a taken address, alike until the
            // purge frees it; the 409 cannot tell an unverified account exists.
            const holder = await findUserByUsername(trx, names.username);
            if (holder && holder.id !== userId) throw accountError('username_taken');
          }
          await updateNames(trx, userId, names, now);
          await writeProfile(trx, { ...user, ...names }, next, now);
          if (patch.tags !== undefined) {
            await replaceUserTags(trx, dialect, userId, normaliseTags(patch.tags ?? []));
          }
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw accountError('username_taken');
        throw error;
      }
      // A public account accepts pending requests, once being public is visible
      // to new follows. Also run when it was public already: a request left
      // over by an interrupted earlier switch is accepted then.
      if (!isPrivate) await acceptAllRequests(db, dialect, userId, now);
      return load(userId);
    },
  };
}

export type ProfilesService = ReturnType<typeof createProfilesService>;
