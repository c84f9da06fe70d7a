// Seed 002's request shapes, by the document's tables. Unknown fields are
// ignored (the seed's framework takes a body as it comes); every documented
// constraint is checked here or by the domain. Limits the document leaves
// out are the native ones (docs/compat/002.md).
import { Type } from 'typebox';
import { PlainText } from '../../http/plain-text.ts';
import { Email, Password, Text } from '../../http/schemas.ts';
import { PHONE_INPUT_MAX_LENGTH, USERNAME_MAX } from '../../modules/users/index.ts';

/** The seed's rule: letters, numbers and _, at least 8 of them (and the native maximum). */
export const SEED_USERNAME_PATTERN = `^[A-Za-z0-9_]{8,${USERNAME_MAX}}$`;
const Username = Type.String({
  pattern: SEED_USERNAME_PATTERN,
  maxLength: USERNAME_MAX,
  description: `Letters, numbers and _, 8 to ${USERNAME_MAX} of them (case-insensitive)`,
  examples: ['john_doe'],
});

/** A code as the samples send it: a string, or a number (`"code": 22625`). */
export const CodeInput = Type.Union([Text(200, { minLength: 1 }), Type.Integer({ minimum: 0 })], {
  description: 'The code (a string; a number is read as its digits)',
});

export const CreateBody = Type.Object(
  {
    username: Username,
    firstName: PlainText(100, { minLength: 1, description: 'First name of the user' }),
    lastName: PlainText(100, { minLength: 1, description: 'Last name of the user' }),
    email: Email,
    password: Password(
      'ROSTER_PASSWORD_MIN_LENGTH (8 by default) to 128 characters; common passwords are refused',
    ),
    phoneCountryCode: Type.Optional(
      Type.String({ pattern: '^\\+?[0-9]{1,4}$', maxLength: 5, description: 'The calling code (+44)' }),
    ),
    phone: Type.Optional(
      Text(PHONE_INPUT_MAX_LENGTH, {
        description:
          'The number: after phoneCountryCode, or international (+447700900123). Stored unverified',
      }),
    ),
  },
  {
    examples: [
      {
        username: 'john_doe',
        firstName: 'John',
        lastName: 'Doe',
        phoneCountryCode: '+00',
        phone: '0000000000',
        email: 'user@example.com',
        password: '$uper&ecurePassw0rd',
      },
    ],
  },
);

export const VerifyEmailBody = Type.Object({
  code: CodeInput,
  email: Type.Optional({ ...Email, description: 'With the 6-digit code: the address signed up with' }),
  password: Type.Optional(
    Password('The password chosen at sign-up: sent along, it is kept (otherwise set one by a reset)'),
  ),
});

export const LoginBody = Type.Object(
  {
    username: Type.Optional(
      Type.String({ maxLength: USERNAME_MAX + 10, description: 'The username (or send email)' }),
    ),
    email: Type.Optional(Type.String({ maxLength: 320, description: 'The address (or send username)' })),
    password: Password(),
    userAgent: Type.Optional(
      Text(512, { description: 'The browser’s user agent, shown in the session list' }),
    ),
  },
  {
    examples: [
      {
        username: 'john_doe',
        email: 'user@example.com',
        password: '$uper&ecurePassw0rd',
        userAgent:
          'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
      },
    ],
  },
);

export const Do2faBody = Type.Object({
  target: Text(64, { minLength: 1, description: 'The `_id` that POST /user/login answered' }),
  code: CodeInput,
  sessionHash: Text(200, { minLength: 1, description: 'The `sessionHash` that POST /user/login answered' }),
});

export const Enable2faBody = Type.Object({
  code: Type.Optional(CodeInput),
});

export const CodeQuery = Type.Object({ email: Email });

export const ResetBody = Type.Object({
  code: CodeInput,
  password: Password(
    'The new password: ROSTER_PASSWORD_MIN_LENGTH (8 by default) to 128 characters, not a common one',
  ),
  email: Type.Optional({
    ...Email,
    description: 'With the 6-digit code: the address the code was mailed to',
  }),
});
