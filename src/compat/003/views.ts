// The domain's views renamed to seed 003's account objects. Only renaming:
// what a view leaves out (another user's contact details, email, the status
// of their identity check), these cannot show. Strings the sample shows as
// "" where Roster has nothing (names, type) are "" here too. One choice: the
// account's `profile.contact.phone` is the contact number, else the verified
// sign-in number, both the owner's own (docs/compat/003.md).
import { type Static, type TSchema, Type } from 'typebox';
import type { AchievementView } from '../../modules/achievements/index.ts';
import type { OwnerView, PublicView } from '../../modules/profiles/index.ts';

const Str = Type.String();
const NullableStr = Type.Union([Type.String(), Type.Null()]);
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export interface TagDetail {
  readonly key: string;
  readonly name: string;
  readonly color: string;
  readonly usageCount: number;
  readonly createdAt: string | null;
}

export const TagMeta = Type.Object({
  _id: Type.String({ description: 'The tag’s key: Roster names tags by key', examples: ['product'] }),
  name: Str,
  key: Str,
  color: Type.String({ examples: ['#56F2E3'] }),
  categories: Type.Array(Str, { description: 'Always empty: Roster has no tag categories' }),
  isParent: Type.Boolean({ description: 'Always false' }),
  type: Type.String({ description: 'Always ""' }),
  entryCount: Type.Integer({ description: 'How many users carry the tag' }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  __v: Type.Integer({ description: 'Always 0' }),
});

export const Achievement = Type.Object({
  _id: Str,
  owner: Type.String({ description: 'The user’s id' }),
  type: Type.String({ examples: ['five-star'] }),
  total: Type.String({ description: 'The target, as a string (as the sample)', examples: ['20'] }),
  value: Type.String({ description: 'Progress, as a string', examples: ['0'] }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  __v: Type.Integer({ description: 'How many times the progress changed' }),
});

const Contact = Type.Object({
  country: NullableStr,
  state: NullableStr,
  city: NullableStr,
  address: NullableStr,
  phone: Nullable(Type.String({ description: 'International format' })),
});
const Bio = Type.Object({
  title: Nullable(Type.String({ description: 'Native `headline`' })),
  description: Nullable(Type.String({ description: 'Native `bio`' })),
});
const Talent = Type.Object({
  about: NullableStr,
  availability: Nullable(Type.String({ examples: ['available'] })),
  tags: Type.Array(Str),
  tagsIds: Type.Array(TagMeta),
});
const Socials = Type.Object({
  github: NullableStr,
  twitter: NullableStr,
  linkedin: NullableStr,
  website: NullableStr,
});
const Socket = Type.Object({ status: Type.Union([Type.Literal('ONLINE'), Type.Literal('OFFLINE')]) });
const KycStatus = Nullable(
  Type.Union([Type.Literal('pending'), Type.Literal('verified'), Type.Literal('rejected')], {
    description: 'The identity check’s status; null until one was asked for, and always null for others',
  }),
);

/** The signed-in user's account (GET /v1/account, PATCH /v1/account/update). */
export const Account = Type.Object({
  _id: Str,
  firstName: Str,
  lastName: Str,
  email: NullableStr,
  emailVerified: Type.Boolean(),
  role: Type.String({ examples: ['user'] }),
  type: Type.String({
    description: 'The account type (ROSTER_ACCOUNT_TYPES), "" for none',
    examples: ['recipient'],
  }),
  profile: Type.Object({ contact: Contact, bio: Bio, talent: Talent }),
  isPrivate: Type.Boolean(),
  walletGenerated: Type.Boolean({ description: 'Always false: Roster has no wallets' }),
  score: Type.Integer(),
  twoFa: Type.Object({
    type: Type.String({
      description: '`email`, `google_auth`, or "undefined" when 2FA is off',
      examples: ['email'],
    }),
    status: Type.Boolean(),
    securityQuestion: Type.String({ description: 'Always "undefined": Roster has no security questions' }),
  }),
  profileCompleteness: Type.Integer({ minimum: 0, maximum: 100 }),
  socket: Socket,
  loggedInAt: Nullable(Type.String({ format: 'date-time' })),
  isUserNameUpdated: Type.Boolean({ description: 'The user chose a username' }),
  referralCode: Str,
  web3Onboard: Type.Boolean({ description: 'Always false: Roster has no wallet sign-in' }),
  accountType: Type.String({
    description: 'How the account signs up: `email`, or `phone`',
    examples: ['email'],
  }),
  createdAt: Type.String({ format: 'date-time' }),
  userName: Type.String({ description: 'The username, "" when none was chosen' }),
  emailVerifiedAt: Nullable(Type.String({ format: 'date-time' })),
  socials: Socials,
  achievements: Type.Array(Achievement),
  isVerified: Type.Boolean({ description: 'A verified email address or phone number' }),
  kyc: Type.Boolean({ description: 'The identity check passed' }),
  kycStatus: KycStatus,
});

/** Another user (GET /v1/account/user/{id}). */
export const OtherUser = Type.Object({
  _id: Str,
  firstName: Str,
  lastName: Str,
  role: Str,
  type: Str,
  profile: Type.Object({
    talent: Type.Object({ tags: Type.Array(Str), tagsIds: Type.Array(TagMeta), availability: NullableStr }),
    verified: Type.Boolean({ description: 'The identity check passed' }),
  }),
  isPrivate: Type.Boolean(),
  score: Type.Integer(),
  profileCompleteness: Type.Integer({ minimum: 0, maximum: 100 }),
  socket: Socket,
  achievements: Type.Array(Achievement),
  kyc: Type.Boolean(),
  kycStatus: KycStatus,
});

/** A user in the list (GET /v1/account/user): contact details are null, as for anyone but the user. */
export const ListedUser = Type.Object({
  _id: Str,
  firstName: Str,
  lastName: Str,
  role: Str,
  type: Str,
  profile: Type.Object({ contact: Contact, bio: Bio, talent: Talent }),
  isPrivate: Type.Boolean(),
  score: Type.Integer(),
  profileCompleteness: Type.Integer({ minimum: 0, maximum: 100 }),
  socket: Socket,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  achievements: Type.Array(Achievement),
  isBookmarked: Type.Boolean(),
  bookmarkId: Type.String({ description: 'The bookmark’s id, "" when not bookmarked' }),
});

export const toAchievement = (a: AchievementView): Static<typeof Achievement> => ({
  _id: a.id,
  owner: a.userId,
  type: a.type,
  total: String(a.total),
  value: String(a.value),
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
  __v: a.version,
});

function tagsOf(
  tags: readonly { key: string; name: string; color: string }[],
  details: ReadonlyMap<string, TagDetail>,
) {
  return {
    tags: tags.map((t) => t.name),
    tagsIds: tags.map((t): Static<typeof TagMeta> => {
      const d = details.get(t.key);
      const at = d?.createdAt ?? new Date(0).toISOString();
      return {
        _id: t.key,
        name: t.name,
        key: t.key,
        color: t.color,
        categories: [],
        isParent: false,
        type: '',
        entryCount: d?.usageCount ?? 0,
        createdAt: at,
        updatedAt: at,
        __v: 0,
      };
    }),
  };
}

const socket = (online: boolean) => ({ status: online ? ('ONLINE' as const) : ('OFFLINE' as const) });
const NO_CONTACT = { country: null, state: null, city: null, address: null, phone: null };

/** What an account object needs besides the owner's view. */
export interface AccountFacts {
  readonly view: OwnerView;
  readonly achievements: readonly AchievementView[];
  readonly referralCode: string;
  /** The second factors that are on (`totp`, `email`). */
  readonly factors: readonly string[];
  readonly tags: ReadonlyMap<string, TagDetail>;
}

export function toAccount(f: AccountFacts): Static<typeof Account> {
  const v = f.view;
  const twoFa = f.factors.includes('totp')
    ? 'google_auth'
    : f.factors.includes('email')
      ? 'email'
      : 'undefined';
  return {
    _id: v.id,
    firstName: v.name.first ?? '',
    lastName: v.name.last ?? '',
    email: v.email,
    emailVerified: v.emailVerified,
    role: v.role,
    type: v.type ?? '',
    profile: {
      contact: { ...v.contact, phone: v.contact.phone ?? (v.phoneVerified ? v.phone : null) },
      bio: { title: v.headline, description: v.bio },
      talent: { about: v.about, availability: v.availability, ...tagsOf(v.tags, f.tags) },
    },
    isPrivate: v.isPrivate,
    walletGenerated: false,
    score: v.score,
    twoFa: { type: twoFa, status: twoFa !== 'undefined', securityQuestion: 'undefined' },
    profileCompleteness: v.profileCompleteness,
    socket: socket(v.online),
    loggedInAt: v.lastSignInAt,
    isUserNameUpdated: v.username !== null,
    referralCode: f.referralCode,
    web3Onboard: false,
    accountType: v.email !== null ? 'email' : 'phone',
    createdAt: v.createdAt,
    userName: v.username ?? '',
    emailVerifiedAt: v.emailVerifiedAt,
    socials: { ...v.socials },
    achievements: f.achievements.map(toAchievement),
    isVerified: v.emailVerified || v.phoneVerified,
    kyc: v.verification === 'verified',
    kycStatus: v.verification,
  };
}

/** The fields every seed 003 user object begins with, in the samples' order. */
const namesOf = (v: PublicView) => ({
  _id: v.id,
  firstName: v.name.first ?? '',
  lastName: v.name.last ?? '',
  role: v.role,
  type: v.type ?? '',
});

export function toOtherUser(
  v: PublicView,
  achievements: readonly AchievementView[],
  tags: ReadonlyMap<string, TagDetail>,
): Static<typeof OtherUser> {
  const { tags: names, tagsIds } = tagsOf(v.tags, tags);
  return {
    ...namesOf(v),
    profile: { talent: { tags: names, tagsIds, availability: v.availability }, verified: v.verified },
    isPrivate: v.isPrivate,
    score: v.score,
    profileCompleteness: v.profileCompleteness,
    socket: socket(v.online),
    achievements: achievements.map(toAchievement),
    kyc: v.verified,
    kycStatus: null,
  };
}

export function toListedUser(
  v: PublicView,
  achievements: readonly AchievementView[],
  tags: ReadonlyMap<string, TagDetail>,
  bookmarkId: string | undefined,
): Static<typeof ListedUser> {
  return {
    ...namesOf(v),
    profile: {
      contact: { ...NO_CONTACT },
      bio: { title: v.headline, description: v.bio },
      talent: { about: v.about, availability: v.availability, ...tagsOf(v.tags, tags) },
    },
    isPrivate: v.isPrivate,
    score: v.score,
    profileCompleteness: v.profileCompleteness,
    socket: socket(v.online),
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    achievements: achievements.map(toAchievement),
    isBookmarked: bookmarkId !== undefined,
    bookmarkId: bookmarkId ?? '',
  };
}
