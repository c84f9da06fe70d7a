// Another user on the wire (the public view), and the parts of a user every
// native view shares: names, what people say about themselves, standing.
// Only renames: what others may see is decided by profiles.views.ts, and
// these schemas are the allow-list.
import { type Static, type TNull, type TSchema, type TUnion, Type } from 'typebox';
import type { PublicView } from './profiles.views.ts';

/**
 * The schema, or null. A schema with one `type` takes `null` into that type
 * (`type: ["string", "null"]`), which the response serializer writes
 * directly; a union of two schemas would be told apart by a validation per
 * field per reply. Others become the union.
 */
export const Nullable = <T extends TSchema>(schema: T): TUnion<[T, TNull]> => {
  const type = (schema as { type?: unknown }).type;
  if (typeof type !== 'string' || type === 'null') return Type.Union([schema, Type.Null()]);
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] }) as unknown as TUnion<[T, TNull]>;
};
export const Availability = Type.Union([
  Type.Literal('available'),
  Type.Literal('limited'),
  Type.Literal('unavailable'),
]);
export const Str = Nullable(Type.String());

/** What staff and service keys set of an account (PATCH /v1/admin/users/{id}/standing, POST …/score). */
export const Standing = Type.Object({
  score: Type.Integer({ description: 'Set by staff and service keys; read-only to the user' }),
  type: Nullable(Type.String({ description: 'The account type (ROSTER_ACCOUNT_TYPES)' })),
  verified: Type.Boolean({ description: 'The identity is verified (KYC)' }),
  online: Type.Boolean({
    description: 'A live session of the user’s made a request within ROSTER_PRESENCE_WINDOW (5 minutes)',
  }),
  isSubscribed: Type.Boolean({
    description: 'A subscription tier is set and its end, if any, is still ahead',
  }),
  subscriptionTier: Nullable(
    Type.String({
      description: 'One of ROSTER_SUBSCRIPTION_TIERS, set by staff or a service key; kept after it lapses',
    }),
  ),
  isRestricted: Type.Boolean({
    description: 'Staff restricted the account: a flag for the apps, which decide what it limits',
  }),
  isBanned: Type.Boolean({
    description: 'Banned by an operator (a banned account is never shown to others, so false there)',
  }),
});

/** What people say about themselves beside their names, shown to others too. */
export const Identity = Type.Object({
  gender: Nullable(Type.String({ description: 'Free text in the person’s own words' })),
  designation: Nullable(Type.String({ description: 'A job title or role' })),
  customLink: Nullable(Type.String({ description: 'One https link of the person’s choice' })),
});

export const Name = Type.Object({ first: Str, middle: Str, last: Str, display: Str });

/** What anyone signed in may see of another user: no email, phone, contact details or private settings. */
export const PublicUser = Type.Object(
  {
    id: Type.String(),
    username: Str,
    name: Name,
    bio: Str,
    pronouns: Str,
    avatarUrl: Str,
    location: Str,
    headline: Str,
    about: Str,
    availability: Nullable(Availability),
    ...Identity.properties,
    tags: Type.Array(Type.Object({ name: Type.String(), key: Type.String(), color: Type.String() })),
    socials: Type.Object({ github: Str, twitter: Str, linkedin: Str, website: Str }),
    custom: Type.Record(Type.String(), Type.Unknown(), {
      description: 'The custom fields the profile schema declares and does not mark private',
    }),
    isPrivate: Type.Boolean(),
    role: Type.String(),
    profileCompleteness: Type.Integer({
      minimum: 0,
      maximum: 100,
      description: 'The public score: only what this view shows counts',
    }),
    followerCount: Type.Integer(),
    followingCount: Type.Integer(),
    ...Standing.properties,
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { description: 'Another user (public view)' },
);

/**
 * The public view on the wire. Only renames: what others may see was decided
 * by the profiles domain (profiles.views.ts), and this schema is the allow-list.
 */
export function toPublicUser(view: PublicView): Static<typeof PublicUser> {
  return {
    id: view.id,
    username: view.username,
    name: { ...view.name },
    bio: view.bio,
    pronouns: view.pronouns,
    avatarUrl: view.avatarUrl,
    location: view.location,
    headline: view.headline,
    about: view.about,
    availability: view.availability,
    gender: view.gender,
    designation: view.designation,
    customLink: view.customLink,
    tags: view.tags.map((t) => ({ ...t })),
    socials: { ...view.socials },
    custom: view.custom,
    isPrivate: view.isPrivate,
    role: view.role,
    profileCompleteness: view.profileCompleteness,
    followerCount: view.followerCount,
    followingCount: view.followingCount,
    score: view.score,
    type: view.type,
    verified: view.verified,
    online: view.online,
    isSubscribed: view.isSubscribed,
    subscriptionTier: view.subscriptionTier,
    isRestricted: view.isRestricted,
    isBanned: view.isBanned,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
  };
}
