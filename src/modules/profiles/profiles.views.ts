// What each audience may see of an account and its profile, decided here and
// nowhere else. Every face (the native routes, compat surfaces, OIDC claims,
// webhooks, exports) gets one of these views from the service and only renames
// its fields, so none can show what its view leaves out:
//   - the owner's view: everything, with the owner's completeness score;
//   - the public view: what anyone signed in may see of another user: no
//     address, number, contact details, locale or time zone, the custom fields
//     the profile schema declares public, the public score (only what this view
//     shows counts), and a staff role shown as the business role except to staff;
//   - the admin view: the owner's view, the account's status and both scores.
// Whether a subscription runs is decided at the instant the view is made
// (the clock's `now`), so a view never needs a job to flip it at expiry.
import type { User, UserRole, UserStatus, Verification } from '../users/index.ts';
import { isSubscribed, publicRole } from '../users/index.ts';
import type { CustomData, CustomFields } from './custom-fields.ts';
import type { AVAILABILITY } from './profile-rules.ts';
import type { Contact, Profile, Socials } from './profiles.repository.ts';
import type { Tag } from './tags.repository.ts';

export type Availability = (typeof AVAILABILITY)[number];

export interface NameView {
  readonly first: string | null;
  /** Stored with the profile; not part of the display fallback. */
  readonly middle: string | null;
  readonly last: string | null;
  /** The chosen display name, else "first last", else the username. */
  readonly display: string | null;
}

/** Whether the user is online (a live session seen lately) and when they last signed in. */
export interface UserPresence {
  readonly online: boolean;
  readonly signedInAt: string | null;
}

export const OFFLINE: UserPresence = { online: false, signedInAt: null };

export interface TagView {
  readonly name: string;
  readonly key: string;
  readonly color: string;
}

/** What anyone signed in may see of another user. */
export interface PublicView {
  readonly id: string;
  readonly username: string | null;
  readonly name: NameView;
  readonly bio: string | null;
  readonly pronouns: string | null;
  readonly avatarUrl: string | null;
  readonly location: string | null;
  readonly headline: string | null;
  readonly about: string | null;
  readonly availability: Availability | null;
  /** Free text in the person's own words, shown like pronouns. */
  readonly gender: string | null;
  /** A job title or role. */
  readonly designation: string | null;
  /** One https link of their choice. */
  readonly customLink: string | null;
  readonly tags: readonly TagView[];
  readonly socials: Socials;
  /** Only the custom fields the profile schema declares and does not mark private. */
  readonly custom: CustomData;
  readonly isPrivate: boolean;
  /** A staff role shows as the business role it also holds, except to staff. */
  readonly role: UserRole;
  /** The public score: only the parts this view shows count, scaled to 0–100. */
  readonly profileCompleteness: number;
  readonly followerCount: number;
  readonly followingCount: number;
  /** Set by staff and service keys (`scores:write`). */
  readonly score: number;
  /** The account type (ROSTER_ACCOUNT_TYPES), or null. */
  readonly type: string | null;
  /** Whether the account's identity is verified (KYC); the status itself is the owner's and staff's. */
  readonly verified: boolean;
  /** A live session of theirs made a request within ROSTER_PRESENCE_WINDOW. */
  readonly online: boolean;
  /** A tier is set and its end, if any, is still ahead (at the view's instant). */
  readonly isSubscribed: boolean;
  /** The tier staff or a service key set (ROSTER_SUBSCRIPTION_TIERS), kept after it lapses; null: none. */
  readonly subscriptionTier: string | null;
  /** Staff restricted the account: a flag for the apps, which decide what it limits. */
  readonly isRestricted: boolean;
  /** Banned by an operator. Always false in views of others: a banned account is not shown to them. */
  readonly isBanned: boolean;
  readonly createdAt: string;
  /** The account or the profile last changed. */
  readonly updatedAt: string;
}

/** Every field of the public view: what a test checks no view of another user goes beyond. */
export const PUBLIC_VIEW_FIELDS = [
  'id',
  'username',
  'name',
  'bio',
  'pronouns',
  'avatarUrl',
  'location',
  'headline',
  'about',
  'availability',
  'gender',
  'designation',
  'customLink',
  'tags',
  'socials',
  'custom',
  'isPrivate',
  'role',
  'profileCompleteness',
  'followerCount',
  'followingCount',
  'score',
  'type',
  'verified',
  'online',
  'isSubscribed',
  'subscriptionTier',
  'isRestricted',
  'isBanned',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof PublicView)[];

/** What the signed-in user sees of their own account. */
export interface OwnerView extends Omit<PublicView, 'role'> {
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly emailVerifiedAt: string | null;
  readonly phone: string | null;
  readonly phoneVerified: boolean;
  readonly phoneVerifiedAt: string | null;
  readonly role: UserRole;
  /** The display name the owner chose, or null (`name.display` falls back to the names). */
  readonly displayName: string | null;
  readonly locale: string | null;
  readonly timezone: string | null;
  readonly contact: Contact;
  /** Every custom field, private ones too. */
  readonly custom: CustomData;
  /** The owner's score: everything filled in counts. */
  readonly profileCompleteness: number;
  /** Faces are required (ROSTER_AVATAR_REQUIRE_FACE) and the avatar shows none. */
  readonly avatarFlagged: boolean;
  /** Identity verification (KYC): pending, verified, rejected, or null until asked for. */
  readonly verification: Verification | null;
  /** The last sign-in, or null (an account made before presence was kept). */
  readonly lastSignInAt: string | null;
  /** When the subscription ends; null with a tier: it runs until staff end it. Billing detail: not public. */
  readonly subscriptionExpiresAt: string | null;
  readonly updatedAt: string;
}

/** What an operator sees: the owner's view, the account's status and the score others see. */
export interface AdminView extends OwnerView {
  readonly status: UserStatus;
  readonly publicCompleteness: number;
}

/** The public URL of an avatar's blob key (PUBLIC_URL/media/… or MEDIA_PUBLIC_URL/…). */
export type AvatarUrl = (key: string) => string;

const avatarOf = (profile: Profile, url: AvatarUrl): string | null =>
  profile.avatarKey === null ? null : url(profile.avatarKey);

/** Who is looking at another user's public view. */
export interface Audience {
  /** Staff see staff roles as they are. */
  readonly staff: boolean;
}

function nameOf(user: User, profile: Profile): NameView {
  const full = [user.firstName, user.lastName].filter(Boolean).join(' ');
  return {
    first: user.firstName,
    middle: profile.middleName,
    last: user.lastName,
    display: profile.displayName ?? (full || user.username),
  };
}

const standingOf = (user: User, now: Date) => ({
  score: user.score,
  type: user.accountType,
  verified: user.verification === 'verified',
  isSubscribed: isSubscribed(user, now),
  subscriptionTier: user.subscriptionTier,
  isRestricted: user.restricted,
  isBanned: user.status === 'banned',
});

const identityOf = (profile: Profile) => ({
  gender: profile.gender,
  designation: profile.designation,
  customLink: profile.customLink,
});

const tagsOf = (tags: readonly Tag[]): TagView[] =>
  tags.map((t) => ({ name: t.name, key: t.key, color: t.color }));

export function publicView(
  user: User,
  profile: Profile,
  tags: readonly Tag[],
  customFields: CustomFields,
  audience: Audience,
  avatarUrl: AvatarUrl,
  presence: UserPresence,
  now: Date,
): PublicView {
  return {
    id: user.id,
    username: user.username,
    name: nameOf(user, profile),
    bio: profile.bio,
    pronouns: profile.pronouns,
    avatarUrl: avatarOf(profile, avatarUrl),
    location: profile.location,
    headline: profile.headline,
    about: profile.about,
    availability: profile.availability as Availability | null,
    ...identityOf(profile),
    tags: tagsOf(tags),
    socials: { ...profile.socials },
    custom: customFields.publicPart(profile.custom),
    isPrivate: profile.isPrivate,
    role: audience.staff ? user.role : publicRole(user.role),
    profileCompleteness: profile.publicCompleteness,
    followerCount: profile.followerCount,
    followingCount: profile.followingCount,
    ...standingOf(user, now),
    online: presence.online,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

export function ownerView(
  user: User,
  profile: Profile,
  tags: readonly Tag[],
  avatarUrl: AvatarUrl,
  presence: UserPresence,
  now: Date,
): OwnerView {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    emailVerifiedAt: user.emailVerifiedAt,
    phone: user.phone,
    phoneVerified: user.phoneVerifiedAt !== null,
    phoneVerifiedAt: user.phoneVerifiedAt,
    name: nameOf(user, profile),
    role: user.role,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    bio: profile.bio,
    pronouns: profile.pronouns,
    displayName: profile.displayName,
    locale: profile.locale,
    timezone: profile.timezone,
    avatarUrl: avatarOf(profile, avatarUrl),
    avatarFlagged: profile.avatarFlagged,
    location: profile.location,
    contact: { ...profile.contact },
    headline: profile.headline,
    about: profile.about,
    availability: profile.availability as Availability | null,
    ...identityOf(profile),
    tags: tagsOf(tags),
    socials: { ...profile.socials },
    custom: profile.custom,
    isPrivate: profile.isPrivate,
    profileCompleteness: profile.completeness,
    followerCount: profile.followerCount,
    followingCount: profile.followingCount,
    ...standingOf(user, now),
    subscriptionExpiresAt: user.subscriptionExpiresAt,
    verification: user.verification,
    online: presence.online,
    lastSignInAt: presence.signedInAt,
  };
}

export const adminView = (
  user: User,
  profile: Profile,
  tags: readonly Tag[],
  avatarUrl: AvatarUrl,
  presence: UserPresence,
  now: Date,
): AdminView => ({
  ...ownerView(user, profile, tags, avatarUrl, presence, now),
  status: user.status,
  publicCompleteness: profile.publicCompleteness,
});
