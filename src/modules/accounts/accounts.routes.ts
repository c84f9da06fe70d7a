// Sign-up, email verification, the current user and account deletion.
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, principalOf } from '../../http/authenticate.ts';
import { problemResponses } from '../../http/problem.ts';
import { requestContext } from '../../http/request-context.ts';
import { NoContent, sendEmpty } from '../../http/schemas.ts';
import {
  DeleteMeBody,
  EmailBody,
  PrivateUser,
  RegisterBody,
  toPrivateUser,
  VerifyEmailBody,
} from './accounts.schemas.ts';
import type { AccountsService } from './accounts.service.ts';

const SessionTokens = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer(),
  sessionId: Type.String(),
});

export function accountsRoutes(app: App, deps: { accounts: AccountsService; auth: Authenticator }): void {
  const { accounts, auth } = deps;

  app.post(
    '/v1/accounts',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Sign up',
        description:
          'Creates an account and mails a verification code and link. A taken address gets the same reply ' +
          '(its owner is told by mail), so the reply never reveals whether an address has an account; its ' +
          '`username` is held alike (409 `username_taken` for the next sign-up asking for it). A sign-up ' +
          'nobody verifies is removed after ROSTER_UNVERIFIED_TTL (7 days), freeing its address and username. ' +
          'When email verification is off, the reply also carries session tokens (and a taken address is a 409). ' +
          'When the service is invite-only, a sign-up without an unused `inviteCode` is a 403 (`invite_required`, ' +
          '`invite_invalid`); a code is used by the account it admits, once. An unknown `referralCode` is a 422.',
        body: RegisterBody,
        response: {
          201: Type.Object({
            user: PrivateUser,
            verificationRequired: Type.Boolean(),
            session: Type.Optional(SessionTokens),
          }),
          ...problemResponses(403, 409, 422, 429),
        },
      },
    },
    async (request, reply) => {
      const result = await accounts.register(request.body, requestContext(request));
      reply.code(201);
      return {
        user: toPrivateUser(result.user),
        verificationRequired: result.verificationRequired,
        ...(result.session ? { session: result.session } : {}),
      };
    },
  );

  app.post(
    '/v1/accounts/verify-email',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Verify an email address',
        description:
          'With the address and the 6-digit code (valid 15 minutes, 5 tries) or the token of the mail link ' +
          '(valid 24 hours). Each works once. The link proves the mailbox, not the password chosen at sign-up ' +
          '(its owner may be confirming a sign-up someone else made with their address), so an account ' +
          'verified by the link alone keeps no password: its owner sets one with POST /v1/password/forgot.',
        body: VerifyEmailBody,
        response: { 200: Type.Object({ user: PrivateUser }), ...problemResponses(403, 404, 422, 429) },
      },
    },
    async (request) => ({
      user: toPrivateUser(await accounts.verifyEmail(request.body, requestContext(request))),
    }),
  );

  app.post(
    '/v1/accounts/verify-email/resend',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Send a new verification mail',
        description:
          'Always 202; a mail goes out only to an unverified account. One request a minute per address.',
        body: EmailBody,
        response: { 202: NoContent, ...problemResponses(422, 429) },
      },
    },
    async (request, reply) => {
      await accounts.resendVerification(request.body.email, requestContext(request));
      return sendEmpty(reply, 202);
    },
  );

  app.delete(
    '/v1/me',
    {
      preHandler: auth.user('account:write'),
      schema: {
        tags: ['me'],
        summary: 'Delete my account',
        description:
          'Needs the current password (an account without one: a second-factor `code`, or an SMS `code` and ' +
          'its `oti` from POST /v1/me/phone). Every session ends and personal data is erased; a tombstone without ' +
          'personal data stays for the audit trail. The address can sign up again.',
        body: DeleteMeBody,
        response: { 204: NoContent, ...problemResponses(401, 403, 422, 429) },
      },
    },
    async (request, reply) => {
      await accounts.deleteAccount(principalOf(request), request.body, requestContext(request));
      return sendEmpty(reply, 204);
    },
  );

  app.post(
    '/v1/me/email/verification',
    {
      preHandler: auth.user('account:write'),
      schema: {
        tags: ['me'],
        summary: 'Send me a new verification mail',
        response: { 202: NoContent, ...problemResponses(401, 429) },
      },
    },
    async (request, reply) => {
      await accounts.requestVerification(principalOf(request).userId);
      return sendEmpty(reply, 202);
    },
  );
}
