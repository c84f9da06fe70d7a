// The fields a sensitive change carries as fresh proof (see reauthentication.ts).
import { Type } from 'typebox';
import type { Reauthentication } from './reauthentication.ts';

export const ReauthFields = {
  currentPassword: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 512,
      description: 'The current password: required when the account has one',
      examples: ['correct horse battery staple'],
    }),
  ),
  confirmCode: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 40,
      description:
        'Accounts without a password: a current code of a second factor set up before this sign-in, or the SMS code sent to the account’s own number (then with `confirmOti`)',
      examples: ['123456'],
    }),
  ),
  confirmOti: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 64,
      description:
        'The `oti` of the SMS code in `confirmCode` (from POST /v1/me/phone with the account’s own number)',
    }),
  ),
};

/** The proof in a request body. */
export const reauthOf = (body: {
  currentPassword?: string | undefined;
  confirmCode?: string | undefined;
  confirmOti?: string | undefined;
}): Reauthentication => ({
  kind: 'proof',
  proof: {
    currentPassword: body.currentPassword,
    confirmCode: body.confirmCode,
    confirmOti: body.confirmOti,
  },
});
