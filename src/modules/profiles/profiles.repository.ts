import type { Selectable } from 'kysely';
import type { Dialect } from '../../platform/db/database.ts';
import type { Executor } from '../../platform/db/executor.ts';
import type { CustomData } from './custom-fields.ts';
import type { ProfilesTable } from './profiles.table.ts';

// Type aliases, not interfaces: they must fit Record<string, string | null>.
export type Contact = {
  country: string | null;
  state: string | null;
  city: string | null;
  address: string | null;
  /** A contact number (E.164) the user gives; not the verified sign-in number. */
  phone: string | null;
};
export type Socials = {
  github: string | null;
  twitter: string | null;
  linkedin: string | null;
  website: string | null;
};

export interface Profile {
  displayName: string | null;
  middleName: string | null;
  bio: string | null;
  pronouns: string | null;
  locale: string | null;
  timezone: string | null;
  location: string | null;
  headline: string | null;
  about: string | null;
  availability: string | null;
  /** In the person's own words, like pronouns. */
  gender: string | null;
  /** A job title or role. */
  designation: string | null;
  /** One https link of the person's choice (profile-rules.ts checks it). */
  customLink: string | null;
  contact: Contact;
  socials: Socials;
  isPrivate: boolean;
  /** The owner's score; others see `publicCompleteness` (completeness.ts). */
  completeness: number;
  publicCompleteness: number;
  /** Operator-defined fields; see custom-fields.ts. */
  custom: CustomData;
  /** Kept by the social graph, through the profiles service, in the transaction of its edges. */
  followerCount: number;
  followingCount: number;
  /** The avatar's blob key; written only by `setAvatar` (the media module). */
  avatarKey: string | null;
  /** The avatar shows no face where the operator requires one. */
  avatarFlagged: boolean;
}

export const EMPTY_CONTACT: Contact = { country: null, state: null, city: null, address: null, phone: null };
export const EMPTY_SOCIALS: Socials = { github: null, twitter: null, linkedin: null, website: null };

export const emptyProfile = (): Profile => ({
  displayName: null,
  middleName: null,
  bio: null,
  pronouns: null,
  locale: null,
  timezone: null,
  location: null,
  headline: null,
  about: null,
  availability: null,
  gender: null,
  designation: null,
  customLink: null,
  contact: { ...EMPTY_CONTACT },
  socials: { ...EMPTY_SOCIALS },
  isPrivate: false,
  completeness: 0,
  publicCompleteness: 0,
  custom: {},
  followerCount: 0,
  followingCount: 0,
  avatarKey: null,
  avatarFlagged: false,
});

const parsed = <T>(json: string | null): Partial<T> => (json ? (JSON.parse(json) as Partial<T>) : {});

export const toProfile = (r: Selectable<ProfilesTable>): Profile => ({
  displayName: r.display_name,
  middleName: r.middle_name,
  bio: r.bio,
  pronouns: r.pronouns,
  locale: r.locale,
  timezone: r.timezone,
  location: r.location,
  headline: r.headline,
  about: r.about,
  availability: r.availability,
  gender: r.gender,
  designation: r.designation,
  customLink: r.custom_link,
  contact: { ...EMPTY_CONTACT, ...parsed<Contact>(r.contact) },
  socials: { ...EMPTY_SOCIALS, ...parsed<Socials>(r.socials) },
  isPrivate: Boolean(r.is_private),
  completeness: Number(r.completeness),
  publicCompleteness: Number(r.public_completeness),
  custom: parsed<CustomData>(r.custom) as CustomData,
  followerCount: Number(r.follower_count),
  followingCount: Number(r.following_count),
  avatarKey: r.avatar_key,
  avatarFlagged: Boolean(r.avatar_flagged),
});

export async function findProfile(db: Executor, userId: string): Promise<Profile | null> {
  const r = await db.selectFrom('profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return r ? toProfile(r) : null;
}

/** Profiles of several users (a directory page), by user id; users without one are absent. */
export async function findProfiles(db: Executor, userIds: readonly string[]): Promise<Map<string, Profile>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.selectFrom('profiles').selectAll().where('user_id', 'in', userIds).execute();
  return new Map(rows.map((r) => [r.user_id, toProfile(r)]));
}

/**
 * The columns a profile edit writes. The counters (the social graph's) and the
 * avatar (the media module's) are left out: each has its own narrow write, so
 * an edit read before one of them changed cannot put the old value back.
 */
export const profileRow = (
  p: Omit<Profile, 'followerCount' | 'followingCount' | 'avatarKey' | 'avatarFlagged'>,
  now: string,
) => ({
  display_name: p.displayName,
  middle_name: p.middleName,
  bio: p.bio,
  pronouns: p.pronouns,
  locale: p.locale,
  timezone: p.timezone,
  location: p.location,
  headline: p.headline,
  about: p.about,
  availability: p.availability,
  gender: p.gender,
  designation: p.designation,
  custom_link: p.customLink,
  contact: JSON.stringify(p.contact),
  socials: JSON.stringify(p.socials),
  custom: JSON.stringify(p.custom),
  is_private: p.isPrivate,
  completeness: p.completeness,
  public_completeness: p.publicCompleteness,
  updated_at: now,
});

export async function upsertProfile(db: Executor, userId: string, p: Profile, now: string): Promise<void> {
  const row = profileRow(p, now);
  await db
    .insertInto('profiles')
    .values({ user_id: userId, ...row })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
    .execute();
}

/** Whether the account asks for follow requests; null when it has no profile. */
export async function findPrivacy(db: Executor, userId: string): Promise<boolean | null> {
  const r = await db
    .selectFrom('profiles')
    .select('is_private')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r ? Boolean(r.is_private) : null;
}

/** One accepted follow more (1) or fewer (-1): the follower follows one more, the followee has one more follower. */
export async function adjustFollowCounts(
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

/** Many follows of one account accepted at once: two statements, whatever their number. */
export async function addFollowers(
  db: Executor,
  followeeId: string,
  followerIds: readonly string[],
): Promise<void> {
  if (followerIds.length === 0) return;
  await db
    .updateTable('profiles')
    .set((eb) => ({ following_count: eb('following_count', '+', 1) }))
    .where('user_id', 'in', followerIds)
    .execute();
  await db
    .updateTable('profiles')
    .set((eb) => ({ follower_count: eb('follower_count', '+', followerIds.length) }))
    .where('user_id', '=', followeeId)
    .execute();
}

/** Points the profile at a new avatar (or none); a new avatar starts unflagged. */
export async function updateAvatarKey(
  db: Executor,
  userId: string,
  key: string | null,
  now: string,
): Promise<void> {
  await db
    .updateTable('profiles')
    .set({ avatar_key: key, avatar_flagged: 0, updated_at: now })
    .where('user_id', '=', userId)
    .execute();
}

/** Flags or clears the profile, only while this avatar is still the profile's (an analysis can finish late). */
export async function updateAvatarFlag(
  db: Executor,
  userId: string,
  key: string,
  flagged: boolean,
): Promise<void> {
  await db
    .updateTable('profiles')
    .set({ avatar_flagged: flagged ? 1 : 0 })
    .where('user_id', '=', userId)
    .where('avatar_key', '=', key)
    .execute();
}

export async function deleteProfile(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('profiles').where('user_id', '=', userId).execute();
}

/**
 * Serialises changes to users' profiles and the edges between them:
 * PostgreSQL row locks on their profile rows (every account has one), always
 * taken in id order so that no two transactions wait on each other. SQLite
 * writers are serialised already.
 */
export async function lockProfiles(db: Executor, dialect: Dialect, ids: readonly string[]): Promise<void> {
  if (dialect !== 'postgres' || ids.length === 0) return;
  await db
    .selectFrom('profiles')
    .select('user_id')
    .where('user_id', 'in', ids)
    .orderBy('user_id')
    .forUpdate()
    .execute();
}
