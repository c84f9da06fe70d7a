// The signed-in user's full view (identity + profile) and the PATCH body.
// Both are closed: unknown fields (role, counts, verification flags) are 422.
import { type Static, Type } from 'typebox';
import { PlainText } from '../../http/plain-text.ts';
import { Text } from '../../http/schemas.ts';
import { PrivateUser } from '../accounts/accounts.schemas.ts';
import { CUSTOM_MAX_BYTES } from './custom-fields.ts';
import type { OwnerView } from './profiles.views.ts';
import { Availability, Identity, Name, Nullable, Standing, Str } from './public-user.schemas.ts';
import { MAX_TAGS, TAG_MAX_LENGTH } from './tags.ts';

export { PublicUser, toPublicUser } from './public-user.schemas.ts';

export const MeView = Type.Object(
  {
    ...PrivateUser.properties,
    name: Name,
    bio: Str,
    pronouns: Str,
    locale: Str,
    timezone: Str,
    avatarUrl: Nullable(
      Type.String({
        description: 'The 400×400 avatar (PUT /v1/me/avatar); its URL changes with each upload',
      }),
    ),
    avatarFlagged: Type.Boolean({
      description: 'Faces are required (ROSTER_AVATAR_REQUIRE_FACE) and the avatar shows none',
    }),
    location: Str,
    contact: Type.Object({
      country: Str,
      state: Str,
      city: Str,
      address: Str,
      phone: Nullable(
        Type.String({ description: 'A contact number (E.164); the sign-in number is `phone`' }),
      ),
    }),
    headline: Str,
    about: Str,
    availability: Nullable(Availability),
    ...Identity.properties,
    tags: Type.Array(Type.Object({ name: Type.String(), key: Type.String(), color: Type.String() })),
    socials: Type.Object({ github: Str, twitter: Str, linkedin: Str, website: Str }),
    custom: Type.Record(Type.String(), Type.Unknown()),
    isPrivate: Type.Boolean(),
    profileCompleteness: Type.Integer({
      minimum: 0,
      maximum: 100,
      description: 'The owner’s score: everything filled in counts',
    }),
    followerCount: Type.Integer(),
    followingCount: Type.Integer(),
    ...Standing.properties,
    verification: Nullable(
      Type.Union([Type.Literal('pending'), Type.Literal('verified'), Type.Literal('rejected')], {
        description: 'Identity verification (KYC), set by staff or a service key; null until asked for',
      }),
    ),
    lastSignInAt: Nullable(Type.String({ format: 'date-time', description: 'The last sign-in' })),
    subscriptionExpiresAt: Nullable(
      Type.String({
        format: 'date-time',
        description: 'When the subscription ends; null with a tier: until staff end it',
      }),
    ),
  },
  { description: 'The signed-in user: identity and profile (private view)' },
);

/** The owner's view on the wire (field for field: the view decides what is in it). */
export function toMeView(view: OwnerView): Static<typeof MeView> {
  return {
    id: view.id,
    username: view.username,
    email: view.email,
    emailVerified: view.emailVerified,
    phone: view.phone,
    phoneVerified: view.phoneVerified,
    name: { ...view.name },
    role: view.role,
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
    bio: view.bio,
    pronouns: view.pronouns,
    locale: view.locale,
    timezone: view.timezone,
    avatarUrl: view.avatarUrl,
    avatarFlagged: view.avatarFlagged,
    location: view.location,
    contact: { ...view.contact },
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
    verification: view.verification,
    lastSignInAt: view.lastSignInAt,
    subscriptionExpiresAt: view.subscriptionExpiresAt,
  };
}

const Field = (max: number, description?: string) =>
  Type.Optional(Nullable(Text(max, description ? { description } : {})));
/** Short single-line texts shown beside other people's (names, headline, pronouns, location): no invisible or text-direction characters. */
const ShownField = (max: number, description?: string) =>
  Type.Optional(Nullable(PlainText(max, description ? { description } : {})));
const Url = (description: string) => Type.Optional(Nullable(Type.String({ maxLength: 300, description })));

export const ProfilePatchBody = Type.Object(
  {
    username: Type.Optional(
      Nullable(Type.String({ maxLength: 40, description: '3–30 of a–z, 0–9, _; 409 when taken' })),
    ),
    name: Type.Optional(
      Type.Object(
        {
          first: ShownField(100),
          middle: ShownField(100),
          last: ShownField(100),
          display: ShownField(100, 'Shown instead of first and last'),
        },
        { additionalProperties: false },
      ),
    ),
    bio: Field(500),
    pronouns: ShownField(40),
    locale: Field(35, 'BCP 47, e.g. en-GB'),
    timezone: Field(64, 'IANA, e.g. Europe/Berlin'),
    location: ShownField(100),
    headline: ShownField(120),
    about: Field(5000),
    availability: Type.Optional(Nullable(Availability)),
    gender: ShownField(40, 'Free text in your own words (such as "woman", "non-binary"); shown to others'),
    designation: ShownField(100, 'A job title or role, such as "Software Engineer"'),
    customLink: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 300,
          description: 'One https:// link of your choice (no other scheme, no credentials in it)',
        }),
      ),
    ),
    contact: Type.Optional(
      Type.Object(
        {
          country: Field(100),
          state: Field(100),
          city: Field(100),
          address: Field(300),
          phone: Field(
            32,
            'A contact number in international format (+4412345678987); not the sign-in number',
          ),
        },
        { additionalProperties: false },
      ),
    ),
    socials: Type.Optional(
      Type.Object(
        {
          github: Url('https://github.com/…'),
          twitter: Url('https://twitter.com/… or https://x.com/…'),
          linkedin: Url('https://www.linkedin.com/in/…'),
          website: Url('Any http(s) URL'),
        },
        { additionalProperties: false },
      ),
    ),
    isPrivate: Type.Optional(
      Type.Boolean({ description: 'Follows need approval; lists need an accepted follow' }),
    ),
    custom: Type.Optional(
      Nullable(
        Type.Record(Type.String({ minLength: 1, maxLength: 64 }), Type.Unknown(), {
          maxProperties: 100,
          description:
            `Operator-defined fields, checked against ROSTER_PROFILE_SCHEMA when set (at most ${CUSTOM_MAX_BYTES} ` +
            'bytes as JSON). Merges at the top level: a key set to null is removed; null clears them all.',
        }),
      ),
    ),
    tags: Type.Optional(
      Nullable(
        Type.Array(PlainText(TAG_MAX_LENGTH, { minLength: 1 }), {
          maxItems: 50,
          description: `Replaces the tags (at most ${MAX_TAGS} different ones); keys are lower-case with inner spaces as "-"`,
        }),
      ),
    ),
  },
  {
    additionalProperties: false,
    description: 'A partial update: absent fields stay, null clears, nested objects merge',
    examples: [
      { name: { first: 'Ada' }, bio: 'Mathematician', socials: { github: 'https://github.com/ada' } },
    ],
  },
);
