// The owner's view renamed to seed 002's user object: every key of the
// samples, in their order, from real data.
// `verified` is the address's verification (the document's "activate the
// account"), `verifiedDate` its time. Only renaming: what the view leaves
// out, this cannot show (docs/compat/002.md).
import { type Static, type TSchema, Type } from 'typebox';
import type { OwnerView, PublicView } from '../../modules/profiles/index.ts';

const Nullable = <T extends TSchema>(t: T, description?: string) =>
  Type.Union([t, Type.Null()], description ? { description } : {});
const Str = Type.String();
const Date_ = Type.String({ format: 'date-time' });

export const SeedUser = Type.Object(
  {
    _id: Type.String({ description: 'Roster’s user id (opaque)', examples: ['507f1f77bcf86cd799439011'] }),
    firstName: Nullable(Str),
    middleName: Nullable(Str),
    lastName: Nullable(Str),
    gender: Nullable(Str, 'As the user wrote it (free text)'),
    username: Nullable(Str),
    role: Type.String({ examples: ['user'] }),
    bio: Nullable(Str),
    designation: Nullable(Str, 'A job title'),
    profilePictureUrl: Nullable(Str),
    pronouns: Nullable(Str),
    verified: Type.Boolean({ description: 'The email address is verified' }),
    verifiedDate: Nullable(Date_, 'When the address was verified'),
    customLink: Nullable(Str, 'One https link of the user’s'),
    followingCount: Type.Integer(),
    followerCount: Type.Integer(),
    isPrivate: Type.Boolean(),
    isSubscribed: Type.Boolean({ description: 'A tier is set and has not ended' }),
    subscriptionTier: Nullable(Str, 'Set by staff or a service key'),
    subscriptionExpiry: Nullable(Date_, 'When the subscription ends; null: until staff end it'),
    isBanned: Type.Boolean(),
    isRestricted: Type.Boolean({ description: 'A flag staff set for apps to act on' }),
    email: Nullable(Str),
    phone: Nullable(Str, 'International format (E.164), verified or not'),
    customData: Type.Record(Type.String(), Type.Unknown(), { description: 'The profile’s custom fields' }),
  },
  { title: 'User' },
);
export type SeedUser = Static<typeof SeedUser>;

/** The login and 2FA samples spell `verifiedDate` as `varifiedDate`: those replies carry both. */
export const SignedInUser = Type.Object(
  Object.fromEntries(
    Object.entries(SeedUser.properties).flatMap(([key, schema]) =>
      key === 'verifiedDate'
        ? [
            [key, schema],
            ['varifiedDate', schema],
          ]
        : [[key, schema]],
    ),
  ) as typeof SeedUser.properties & { varifiedDate: typeof SeedUser.properties.verifiedDate },
  {
    title: 'SignedInUser',
    description: 'The user object, with `varifiedDate` (the samples’ spelling) beside `verifiedDate`',
  },
);

/** The user of a sign-in waiting for its second factor, as the 2FA sample shows it. */
export const PendingUser = Type.Object({ _id: Str, username: Nullable(Str), email: Nullable(Str) });

type SharedKeys = Omit<SeedUser, 'verified' | 'verifiedDate' | 'subscriptionExpiry' | 'email' | 'phone'>;

/** The keys the owner's and the public view fill alike. */
const shared = (v: PublicView | OwnerView): SharedKeys => ({
  _id: v.id,
  firstName: v.name.first,
  middleName: v.name.middle,
  lastName: v.name.last,
  gender: v.gender,
  username: v.username,
  role: v.role,
  bio: v.bio,
  designation: v.designation,
  profilePictureUrl: v.avatarUrl,
  pronouns: v.pronouns,
  customLink: v.customLink,
  followingCount: v.followingCount,
  followerCount: v.followerCount,
  isPrivate: v.isPrivate,
  isSubscribed: v.isSubscribed,
  subscriptionTier: v.subscriptionTier,
  isBanned: v.isBanned,
  isRestricted: v.isRestricted,
  customData: { ...v.custom },
});

/**
 * `verified` is the document's activation: the account proved its address
 * (or, made by phone, its number), as every account others are shown has.
 */
export const toSeedUser = (v: OwnerView): SeedUser => ({
  ...shared(v),
  verified: v.emailVerified || v.phoneVerified,
  verifiedDate: v.emailVerifiedAt ?? v.phoneVerifiedAt,
  subscriptionExpiry: v.subscriptionExpiresAt,
  email: v.email,
  phone: v.phone,
});

/** The user object of the login and 2FA replies (the schema puts `varifiedDate` after `verifiedDate`). */
export function toSignedInUser(v: OwnerView): Static<typeof SignedInUser> {
  const user = toSeedUser(v);
  return { ...user, varifiedDate: user.verifiedDate };
}

/**
 * Another user's object from their public view: every key of the samples.
 * What that view leaves out is null: `email`, `phone`, `verifiedDate` and
 * `subscriptionExpiry` are the owner's and staff's. `verified` is true: only
 * a listed account (one that proved its address or number) is shown to others.
 */
export const toOtherUser = (v: PublicView): SeedUser => ({
  ...shared(v),
  verified: true,
  verifiedDate: null,
  subscriptionExpiry: null,
  email: null,
  phone: null,
});
