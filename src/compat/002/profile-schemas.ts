// Seed 002's profile requests: PATCH /user/me (its table), POST /user/private
// and the path of GET /user/:userId. Unknown fields are ignored, as elsewhere
// in this surface (schemas.ts).
import { Type } from 'typebox';
import { PlainText } from '../../http/plain-text.ts';
import { Password, Text } from '../../http/schemas.ts';
import { PHONE_INPUT_MAX_LENGTH, USERNAME_MAX } from '../../modules/users/index.ts';
import { WithData } from './envelope.ts';
import { SEED_USERNAME_PATTERN } from './schemas.ts';
import { SeedUser } from './views.ts';

export const UpdateMeBody = Type.Object(
  {
    target: Type.Optional(
      Text(64, { minLength: 1, description: 'Another user’s `_id`: a staff edit (admin:profile:write)' }),
    ),
    username: Type.Optional(
      Type.String({
        pattern: SEED_USERNAME_PATTERN,
        maxLength: USERNAME_MAX,
        description: `Letters, numbers and _, 8 to ${USERNAME_MAX} of them`,
      }),
    ),
    firstName: Type.Optional(PlainText(100, { minLength: 1, description: 'First name' })),
    lastName: Type.Optional(PlainText(100, { minLength: 1, description: 'Last name' })),
    email: Type.Optional(
      Type.String({
        maxLength: 320,
        description: 'The account’s own address only (it changes by its own verified flow)',
      }),
    ),
    password: Type.Optional(
      Password('The current password only (it changes by POST /user/reset-password or PUT /v1/me/password)'),
    ),
    role: Type.Optional(
      Type.String({ maxLength: 64, description: 'The current role only (staff set roles)' }),
    ),
    phoneCountryCode: Type.Optional(
      Type.String({ pattern: '^\\+?[0-9]{1,4}$', maxLength: 5, description: 'The calling code (+44)' }),
    ),
    phone: Type.Optional(
      Text(PHONE_INPUT_MAX_LENGTH, { description: 'The number, stored unverified; empty removes it' }),
    ),
  },
  {
    examples: [
      {
        username: 'john_doe',
        firstName: 'John',
        lastName: 'Doe',
        role: 'user',
        phoneCountryCode: '+00',
        phone: '0000000000',
        email: 'user@example.com',
        password: '$uper&ecurePassw0rd',
      },
    ],
  },
);

export const PrivateBody = Type.Object({
  state: Type.Boolean({ description: 'true: follows need approval; false: public' }),
});

export const UserIdParams = Type.Object({
  userId: Text(64, { minLength: 1, description: 'The user’s `_id`' }),
});

/** GET /user/me and GET /user/:userId: `user` is an array of one user object, as both samples show. */
export const UserReply = WithData(Type.Object({ user: Type.Array(SeedUser, { minItems: 1, maxItems: 1 }) }));
