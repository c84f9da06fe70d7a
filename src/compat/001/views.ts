// The owner's view renamed to seed 001's profile object (snake_case). The
// document types it only as "object"; these keys are the request's six
// fields, each as stored, and what a client shows beside them
// (docs/compat/001.md). Only renaming: what the view leaves out, this cannot show.
import { type Static, Type } from 'typebox';
import type { OwnerView } from '../../modules/profiles/index.ts';

const Str = (description: string, examples: string[] = []) =>
  Type.Union([Type.String({ examples }), Type.Null()], { description });

export const Profile = Type.Object(
  {
    id: Type.String({ description: 'Roster’s user id', examples: ['0193e4c2-7a1b-7c3d-9e8f-0a1b2c3d4e5f'] }),
    email: Str('The sign-in address', ['ada@example.com']),
    email_verified: Type.Boolean(),
    username: Str('The username, if one was chosen'),
    first_name: Str('The first name', ['Ada']),
    last_name: Str('The last name', ['Lovelace']),
    display_name: Str('The display name the user chose; null when none', ['Ada']),
    phone: Str('The account’s number (E.164), verified or not', ['+14155552671']),
    phone_verified: Type.Boolean({
      description: 'True once an SMS code proved the number: then it signs in',
    }),
    locale: Str('BCP 47', ['en-GB']),
    timezone: Str('IANA', ['Europe/London']),
    avatar_url: Str('The 400×400 avatar'),
    created_at: Type.String({ format: 'date-time' }),
    updated_at: Type.String({ format: 'date-time' }),
  },
  { title: 'Profile', description: 'The current user’s profile' },
);

export const toProfile = (v: OwnerView): Static<typeof Profile> => ({
  id: v.id,
  email: v.email,
  email_verified: v.emailVerified,
  username: v.username,
  first_name: v.name.first,
  last_name: v.name.last,
  display_name: v.displayName,
  phone: v.phone,
  phone_verified: v.phoneVerified,
  locale: v.locale,
  timezone: v.timezone,
  avatar_url: v.avatarUrl,
  created_at: v.createdAt,
  updated_at: v.updatedAt,
});
