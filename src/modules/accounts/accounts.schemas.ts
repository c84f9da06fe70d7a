// The user as the API shows it. The response schema is an allow-list: any
// field not named here (hashes, internal status) can never be serialised.
import { type Static, Type } from 'typebox';
import { PlainText } from '../../http/plain-text.ts';
import { Email, Password, Text } from '../../http/schemas.ts';
import {
  PHONE_INPUT_MAX_LENGTH,
  USERNAME_DESCRIPTION,
  USERNAME_INPUT_PATTERN,
  USERNAME_MAX,
  type User,
} from '../users/index.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const PrivateUser = Type.Object(
  {
    id: Type.String(),
    username: Nullable(Type.String()),
    email: Nullable(Type.String()),
    emailVerified: Type.Boolean(),
    phone: Nullable(Type.String({ description: 'E.164' })),
    phoneVerified: Type.Boolean(),
    name: Type.Object({
      first: Nullable(Type.String()),
      last: Nullable(Type.String()),
      display: Nullable(Type.String()),
    }),
    role: Type.String({ examples: ['user'] }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { description: 'The signed-in user (private view)' },
);
export type PrivateUser = Static<typeof PrivateUser>;

export function displayName(user: Pick<User, 'firstName' | 'lastName' | 'username'>): string | null {
  const full = [user.firstName, user.lastName].filter(Boolean).join(' ');
  return full || user.username;
}

export function toPrivateUser(user: User): PrivateUser {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    phone: user.phone,
    phoneVerified: user.phoneVerifiedAt !== null,
    name: { first: user.firstName, last: user.lastName, display: displayName(user) },
    role: user.role,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Password('8–128 characters; common passwords are refused'),
    username: Type.Optional(
      Type.String({
        pattern: USERNAME_INPUT_PATTERN,
        maxLength: USERNAME_MAX + 10,
        description: USERNAME_DESCRIPTION,
      }),
    ),
    // Names are shown to others: no invisible or text-direction characters.
    firstName: Type.Optional(PlainText(100)),
    lastName: Type.Optional(PlainText(100)),
    phone: Type.Optional(
      Text(PHONE_INPUT_MAX_LENGTH, { description: 'Phone number, E.164 preferred (+4915112345678)' }),
    ),
    inviteCode: Type.Optional(
      Text(64, { description: 'An unused invite code; required when the service is invite-only' }),
    ),
    referralCode: Type.Optional(Text(64, { description: 'The referral code of whoever brought you' })),
    avatarUploadKey: Type.Optional(
      Text(200, {
        description:
          'A photo uploaded first (POST /v1/media/uploads, purpose `signup-avatar`, no token); it becomes the ' +
          'new account’s avatar shortly after sign-up',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ email: 'ada@example.com', password: 'correct horse battery staple', username: 'ada' }],
  },
);

export const Code = Type.String({
  pattern: '^[0-9]{6}$',
  description: 'The 6-digit code from the mail',
  examples: ['123456'],
});
export const LinkToken = Type.String({
  minLength: 16,
  maxLength: 200,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'The token from the mail link',
});

/** `email` + `code`, or `token` (checked by the service: a union here would report both branches' errors). */
export const VerifyEmailBody = Type.Object(
  {
    email: Type.Optional(Email),
    code: Type.Optional(Code),
    token: Type.Optional(LinkToken),
    password: Type.Optional(
      Password(
        'With `token`: the password chosen at sign-up, which keeps it. A link alone verifies the address ' +
          'but removes that password (the mailbox owner then sets one through forgot-password), so a squatter ' +
          'who signed up with somebody else’s address cannot keep a way in.',
      ),
    ),
  },
  { additionalProperties: false, examples: [{ email: 'ada@example.com', code: '123456' }] },
);

export const EmailBody = Type.Object({ email: Email }, { additionalProperties: false });

export const DeleteMeBody = Type.Object(
  {
    password: Type.Optional(Password('The current password')),
    code: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 40,
        description: 'Accounts without a password: a second-factor code, or an SMS code',
      }),
    ),
    oti: Type.Optional(
      Type.String({ format: 'uuid', description: 'With an SMS code: the oti of POST /v1/me/phone' }),
    ),
  },
  { additionalProperties: false, examples: [{ password: 'correct horse battery staple' }] },
);
