// Seed 002's account routes without a sign-in: create, verify the address,
// ask for a password reset code and reset. Each parses, calls one service
// and answers `{"ok": 1}`; the enumeration rules are the native ones (a taken
// address and an unknown one get the same replies).
import type { Static } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { requestContext } from '../../http/request-context.ts';
import type { SurfaceDeps } from '../surface.ts';
import { codeText } from './body.ts';
import { resetCookie, signupCookie } from './cookie.ts';
import { OK, Ok, replies } from './envelope.ts';
import { CodeQuery, CreateBody, ResetBody, VerifyEmailBody } from './schemas.ts';

/** The seed's number: its calling code, then the number; or the number alone. */
function phoneOf(body: Static<typeof CreateBody>): string | undefined {
  if (body.phone === undefined) return undefined;
  if (body.phoneCountryCode === undefined) return body.phone;
  return `+${body.phoneCountryCode.replace(/^\+/, '')}${body.phone.trim().replace(/^\+/, '')}`;
}

/** The 6-digit code with the address it was mailed to, or the mail link's token alone. */
const proofOf = (code: string | number, email: string | undefined) =>
  email === undefined ? { token: codeText(code) } : { email, code: codeText(code) };

const SIX_DIGITS = /^[0-9]{6}$/;

export function accountRoutes(scope: App, deps: SurfaceDeps): void {
  const { accounts, credentials } = deps.roster;
  const signup = signupCookie(deps);
  const reset = resetCookie(deps);

  scope.post(
    '/create',
    {
      schema: {
        summary: 'Create User',
        description:
          'Creates an account and mails a verification code (and link) to exchange in POST /user/verify-email; ' +
          'sets the `roster_signup` cookie that lets that call keep the password. ' +
          'A taken address gets the same reply (its owner is told by mail); a taken username is a 409. With ' +
          'ROSTER_REQUIRE_EMAIL_VERIFICATION=false the account is verified at once (and a taken address is a ' +
          '409). `phone` is stored unverified. Native: POST /v1/accounts.',
        body: CreateBody,
        response: replies(Ok),
      },
    },
    async (request, reply) => {
      const { username, firstName, lastName, email, password } = request.body;
      const phone = phoneOf(request.body);
      const { signupProof } = await accounts.register(
        { username, firstName, lastName, email, password, ...(phone !== undefined ? { phone } : {}) },
        requestContext(request),
      );
      signup.set(reply, signupProof);
      return OK;
    },
  );

  scope.post(
    '/verify-email',
    {
      schema: {
        summary: 'Verify Email',
        description:
          'Marks the account verified with the mailed code: `code` and `email` (the 6-digit code), or `code` ' +
          'alone holding the token of the mail’s link. The client that signed up holds the `roster_signup` ' +
          'cookie POST /user/create set: with it the 6-digit code may come alone, and the password chosen ' +
          'at sign-up is kept. Without the cookie, send `password` to keep it; otherwise an account nobody ' +
          'had proven loses it (someone else may have signed up with the address) and its owner sets one ' +
          'with GET /user/code. Each code works once. Native: POST /v1/accounts/verify-email.',
        body: VerifyEmailBody,
        response: replies(Ok),
      },
    },
    async (request, reply) => {
      const { code, email, password } = request.body;
      const signupProof = signup.read(request);
      // The client that signed up may send the 6-digit code alone: its cookie names the account.
      const proof =
        email === undefined && signupProof !== undefined && SIX_DIGITS.test(codeText(code))
          ? { code: codeText(code) }
          : proofOf(code, email);
      await accounts.verifyEmail({ ...proof, password, signupProof }, requestContext(request));
      signup.clear(reply);
      return OK;
    },
  );

  scope.get(
    '/code',
    {
      schema: {
        summary: 'Generate Password Reset Code',
        description:
          'Mails a reset code (and link) when the address has an account; the same reply, after the same ' +
          'work, for an unknown address. Sets the `roster_reset` cookie (the address asked for) so POST ' +
          '/user/reset-password may take the 6-digit code alone. Native: POST /v1/password/forgot.',
        querystring: CodeQuery,
        response: replies(Ok),
      },
    },
    async (request, reply) => {
      await credentials.forgotPassword(request.query.email, requestContext(request));
      reset.set(reply, request.query.email.trim());
      return OK;
    },
  );

  scope.post(
    '/reset-password',
    {
      schema: {
        summary: 'Reset Password',
        description:
          'Sets a new password with the mailed code: `code` and `email` (the 6-digit code), the 6-digit code ' +
          'alone from the client that asked GET /user/code (its `roster_reset` cookie names the address), ' +
          'or `code` alone holding the token of the mail’s link. Every session ends. Native: POST ' +
          '/v1/password/reset.',
        body: ResetBody,
        response: replies(Ok),
      },
    },
    async (request, reply) => {
      const { code, password } = request.body;
      // The 6-digit code alone: the address this client asked GET /user/code for.
      const asked = reset.read(request);
      const email =
        request.body.email ?? (asked !== undefined && SIX_DIGITS.test(codeText(code)) ? asked : undefined);
      await credentials.resetPassword(
        { ...proofOf(code, email), newPassword: password },
        requestContext(request),
      );
      reset.clear(reply);
      return OK;
    },
  );
}
