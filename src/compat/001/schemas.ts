// Seed 001's request and reply shapes, by the names its OpenAPI document
// gives them (UpdateProfileRequest, ChangePasswordRequest,
// HTTPValidationError). The document sets no lengths or formats: the limits
// here are the native ones (docs/compat/001.md). Unknown fields are ignored,
// as pydantic does by default.
import { Type } from 'typebox';
import { PlainText } from '../../http/plain-text.ts';
import { Password, Text } from '../../http/schemas.ts';
import { PHONE_INPUT_MAX_LENGTH } from '../../modules/users/index.ts';

/** `string | null`, optional: absent keeps the value, null clears it. */
const Nullable = <T extends ReturnType<typeof Text>>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));

export const UpdateProfileRequest = Type.Object(
  {
    first_name: Nullable(PlainText(100)),
    last_name: Nullable(PlainText(100)),
    display_name: Nullable(PlainText(100, { description: 'Shown instead of the first and last name' })),
    phone: Nullable(
      Text(PHONE_INPUT_MAX_LENGTH, {
        description:
          'International format (+14155552671); spaces, dashes and brackets are fine. Stored unverified: ' +
          'it signs in only once an SMS code proves it (POST /v1/me/phone). A verified number cannot be ' +
          'replaced or removed here (409).',
      }),
    ),
    locale: Nullable(Text(35, { description: 'A BCP 47 language tag (en-US, pt-BR)' })),
    timezone: Nullable(Text(64, { description: 'An IANA time zone (Europe/Berlin) or UTC' })),
  },
  {
    title: 'UpdateProfileRequest',
    description: 'Request to update user profile. Every field is optional: absent keeps, null clears.',
    examples: [
      {
        first_name: 'Ada',
        last_name: 'Lovelace',
        display_name: 'Ada',
        phone: '+14155552671',
        locale: 'en-GB',
        timezone: 'Europe/London',
      },
    ],
  },
);

export const ChangePasswordRequest = Type.Object(
  {
    current_password: Password('The current password'),
    new_password: Password(
      'The new password: ROSTER_PASSWORD_MIN_LENGTH (8 by default) to 128 characters, not a common one',
    ),
  },
  {
    title: 'ChangePasswordRequest',
    description: 'Request to change password.',
    examples: [{ current_password: 'violet kettle drums 4 seasons', new_password: 'a new long passphrase' }],
  },
);

export const ValidationError = Type.Object(
  {
    loc: Type.Array(Type.Union([Type.String(), Type.Integer()]), {
      description: 'Where: `body`, then the field (`["body", "locale"]`)',
    }),
    msg: Type.String({ examples: ['Input should be a valid string'] }),
    type: Type.String({ description: 'The pydantic error type', examples: ['string_type'] }),
  },
  { title: 'ValidationError' },
);

export const HTTPValidationError = Type.Object(
  { detail: Type.Array(ValidationError) },
  { title: 'HTTPValidationError', description: 'Each field at fault' },
);

export const HTTPError = Type.Object(
  { detail: Type.String({ examples: ['Not authenticated'] }) },
  { title: 'HTTPError', description: 'A refusal other than bad input' },
);

export const Message = Type.Object(
  { message: Type.String() },
  { description: 'What was done', examples: [{ message: 'Password changed successfully' }] },
);

/** A route's replies: its success, 422 for bad input, `{detail}` for every other refusal. */
export const replies = <T extends ReturnType<typeof Type.Object>>(success: T) => ({
  200: success,
  422: HTTPValidationError,
  '4xx': HTTPError,
  '5xx': HTTPError,
});
