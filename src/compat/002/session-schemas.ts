// The sign-in replies of seed 002, as its two login samples and the 2FA
// sample show them.
import { Type } from 'typebox';
import { WithData } from './envelope.ts';
import { PendingUser, SignedInUser } from './views.ts';

export const LoginDone = Type.Object(
  { '2faEnabled': Type.Literal(false), user: SignedInUser },
  { title: 'LoginDone', description: 'Signed in: the cookie session is open' },
);

export const LoginPending = Type.Object(
  {
    '2faEnabled': Type.Literal(true),
    sessionHash: Type.String({ description: 'For POST /user/do-2fa: single use, 5 minutes' }),
    user: PendingUser,
  },
  { title: 'LoginPending', description: 'The password was right; a second factor must complete the sign-in' },
);

export const Login = WithData(Type.Union([LoginDone, LoginPending]));

export const SignedInReply = WithData(Type.Object({ user: SignedInUser }));

export const Enabled = WithData(
  Type.Object({
    recoveryCodes: Type.Array(Type.String(), {
      description: 'With the first factor: 10 single-use recovery codes, shown once; otherwise empty',
    }),
  }),
);
