// Password change and the forgotten-password reset.
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, principalOf } from '../../http/authenticate.ts';
import { problemResponses } from '../../http/problem.ts';
import { requestContext } from '../../http/request-context.ts';
import { Email, NoContent, Password, sendEmpty } from '../../http/schemas.ts';
import { Code, LinkToken } from '../accounts/accounts.schemas.ts';
import type { CredentialsService } from './credentials.service.ts';

/** `email` + `code`, or `token`, with `newPassword`. */
const ResetBody = Type.Object(
  {
    email: Type.Optional(Email),
    code: Type.Optional(Code),
    token: Type.Optional(LinkToken),
    newPassword: Password('The new password'),
  },
  {
    additionalProperties: false,
    examples: [{ email: 'ada@example.com', code: '123456', newPassword: 'a new long passphrase' }],
  },
);

export function credentialsRoutes(
  app: App,
  deps: { credentials: CredentialsService; auth: Authenticator },
): void {
  const { credentials, auth } = deps;

  app.put(
    '/v1/me/password',
    {
      preHandler: auth.user('account:write'),
      schema: {
        tags: ['me'],
        summary: 'Change my password',
        description: 'Needs the current password. Every other session ends; a notice is mailed.',
        body: Type.Object(
          { currentPassword: Password('The current password'), newPassword: Password('The new password') },
          { additionalProperties: false },
        ),
        response: { 204: NoContent, ...problemResponses(401, 403, 422, 429) },
      },
    },
    async (request, reply) => {
      await credentials.changePassword(principalOf(request), request.body, requestContext(request));
      return sendEmpty(reply, 204);
    },
  );

  app.post(
    '/v1/password/forgot',
    {
      schema: {
        tags: ['password'],
        summary: 'Request a password reset',
        description:
          'Always 202. An active account gets a mail with a 6-digit code and a link, both valid 15 minutes.',
        body: Type.Object({ email: Email }, { additionalProperties: false }),
        response: { 202: NoContent, ...problemResponses(422, 429) },
      },
    },
    async (request, reply) => {
      await credentials.forgotPassword(request.body.email, requestContext(request));
      return sendEmpty(reply, 202);
    },
  );

  app.post(
    '/v1/password/reset',
    {
      schema: {
        tags: ['password'],
        summary: 'Reset the password',
        description:
          'With the address and code, or the link token. Single use; every session of the account ends.',
        body: ResetBody,
        response: { 204: NoContent, ...problemResponses(401, 422, 429) },
      },
    },
    async (request, reply) => {
      await credentials.resetPassword(request.body, requestContext(request));
      return sendEmpty(reply, 204);
    },
  );
}
