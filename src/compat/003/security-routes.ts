// Seed 003's two-factor routes. `email` is Roster's email-code factor and
// `google_auth` its authenticator-app (TOTP) factor. The document turns them
// on and off with a code alone, so these routes also need a full sign-in of
// the same session within ROSTER_REAUTH_MAX_AGE (a 403 asks to sign in
// again): a stolen token must not switch a second factor.
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { principalOf } from '../../http/authenticate.ts';
import { requestContext } from '../../http/request-context.ts';
import type { SurfaceDeps } from '../surface.ts';
import { Empty, replies, Success, success } from './envelope.ts';
import { CodeBody, EmailTypeQuery, PasswordBody, TwoFaTypeBody } from './schemas.ts';

const RECENT = { kind: 'recent-sign-in' } as const;
const KIND = { email: 'email', google_auth: 'totp' } as const;

const Initiated = Type.Object({
  type: Type.Union([Type.Literal('email'), Type.Literal('google_auth')]),
  secret: Type.Optional(Type.String({ description: 'google_auth: the TOTP secret (base32)' })),
  otpauthUrl: Type.Optional(Type.String({ description: 'google_auth: the otpauth:// URL for the app' })),
  qrSvg: Type.Optional(Type.String({ description: 'google_auth: the URL as a QR code (SVG)' })),
});

const Activated = Type.Object({
  recoveryCodes: Type.Array(Type.String(), {
    description: 'With the first factor: 10 single-use recovery codes, shown once; otherwise empty',
  }),
});

export function securityRoutes(scope: App, deps: SurfaceDeps): void {
  const { mfa, credentials } = deps.roster;

  scope.post(
    '/initiate/2fa',
    {
      preHandler: auth(deps),
      schema: {
        summary: 'Initialize Two-Factor Authentication',
        description:
          '`email` mails a code; `google_auth` returns a new authenticator secret (also as an otpauth:// URL and ' +
          'a QR code). Either is off until POST /v1/account/activate/2fa. Native: POST /v1/me/mfa/email, ' +
          'POST /v1/me/mfa/totp.',
        body: TwoFaTypeBody,
        response: replies(202, Success(Initiated, 'TwoFA security is initiated')),
      },
    },
    async (request, reply) => {
      const { type } = request.body;
      const secret = await mfa.initiate(principalOf(request).userId, KIND[type]);
      reply.code(202);
      return success('TwoFA security is initiated', { type, ...(secret ?? {}) });
    },
  );

  scope.post(
    '/activate/2fa',
    {
      preHandler: auth(deps),
      schema: {
        summary: 'Activate Two-Factor Authentication',
        description:
          'Turns on the factor initiated last, with its code (the mailed one, or the app’s). Needs a sign-in ' +
          'within ROSTER_REAUTH_MAX_AGE (403 otherwise). Native: POST /v1/me/mfa/email/activate, ' +
          '/v1/me/mfa/totp/activate.',
        body: CodeBody,
        response: replies(200, Success(Activated, 'OK')),
      },
    },
    async (request) => {
      const input = { code: request.body.code, reauth: RECENT };
      const recoveryCodes = await mfa.activateStarted(principalOf(request), input, requestContext(request));
      return success('OK', { recoveryCodes });
    },
  );

  scope.post(
    '/deactivate/2fa',
    {
      preHandler: auth(deps),
      schema: {
        summary: 'Deactivate Two-Factor Authentication',
        description:
          'Turns a factor off with its code: email codes when a code was mailed for it (POST ' +
          '/v1/account/2fa/email), else the authenticator app. Needs a sign-in within ROSTER_REAUTH_MAX_AGE. ' +
          'Native: DELETE /v1/me/mfa/email, DELETE /v1/me/mfa/totp.',
        body: CodeBody,
        response: replies(200, Success(Empty, 'OK')),
      },
    },
    async (request) => {
      const input = { code: request.body.code, reauth: RECENT };
      await mfa.disableCurrent(principalOf(request), input, requestContext(request));
      return success('OK', {});
    },
  );

  scope.post(
    '/2fa/email',
    {
      preHandler: auth(deps),
      schema: {
        summary: 'Send Two-Factor Verification Code',
        description:
          'With the password: mails a code to the account’s address, for turning email codes on or off. ' +
          'Native: POST /v1/me/mfa/email.',
        querystring: EmailTypeQuery,
        body: PasswordBody,
        response: replies(200, Success(Empty, 'Success')),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await credentials.confirmPassword(principal, request.body.password, requestContext(request));
      await mfa.sendSetupCode(principal.userId);
      return success('Success', {});
    },
  );
}

const auth = (deps: SurfaceDeps) => deps.auth.user('mfa:write');
