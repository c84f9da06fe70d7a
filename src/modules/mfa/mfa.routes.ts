// Second factors of the signed-in user, and the second step of a sign-in.
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, principalOf } from '../../http/authenticate.ts';
import { problemResponses } from '../../http/problem.ts';
import { requestContext } from '../../http/request-context.ts';
import { NoContent, sendEmpty } from '../../http/schemas.ts';
import { signedInReply } from '../credentials/login.schemas.ts';
import { ReauthFields, reauthOf } from '../credentials/reauthentication.schemas.ts';
import { Tokens } from '../sessions/sessions.schemas.ts';
import type { MfaService } from './mfa.service.ts';

const CodeBody = Type.Object(
  {
    code: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'A current code of the factor',
      examples: ['123456'],
    }),
  },
  { additionalProperties: false },
);
/** A change to the factors: the factor's code, and fresh proof of who asks. */
const ChangeBody = Type.Object(
  {
    code: CodeBody.properties.code,
    ...ReauthFields,
  },
  {
    additionalProperties: false,
    examples: [{ code: '123456', currentPassword: 'correct horse battery staple' }],
  },
);
const changeOf = (body: { code: string } & Parameters<typeof reauthOf>[0]) => ({
  code: body.code,
  reauth: reauthOf(body),
});
const RecoveryCodes = Type.Object({
  recoveryCodes: Type.Array(Type.String(), {
    description: 'Shown once; each works once. Empty when the account already has codes.',
    examples: [['ABCD-EFGH-JKMN']],
  }),
});
const MfaToken = Type.String({ minLength: 16, maxLength: 200, description: 'From the sign-in reply' });

export function mfaRoutes(app: App, deps: { mfa: MfaService; auth: Authenticator }): void {
  const { mfa, auth } = deps;
  const tags = ['mfa'];

  app.get(
    '/v1/me/mfa',
    {
      preHandler: auth.user('mfa:read'),
      schema: {
        tags,
        summary: 'My second factors',
        response: {
          200: Type.Object({
            methods: Type.Array(Type.String(), { examples: [['totp']] }),
            recoveryCodesLeft: Type.Integer(),
          }),
          ...problemResponses(401),
        },
      },
    },
    async (request) => mfa.status(principalOf(request).userId),
  );

  app.post(
    '/v1/me/mfa/totp',
    {
      preHandler: auth.user('mfa:write'),
      schema: {
        tags,
        summary: 'Start setting up an authenticator app',
        description:
          'Returns a new secret (also as an otpauth:// URL and a QR code); it is off until activated with a code.',
        response: {
          200: Type.Object({
            secret: Type.String(),
            otpauthUrl: Type.String(),
            qrSvg: Type.String({ description: 'SVG markup' }),
          }),
          ...problemResponses(401, 409),
        },
      },
    },
    async (request) => mfa.startTotp(principalOf(request).userId),
  );

  app.post(
    '/v1/me/mfa/totp/activate',
    {
      preHandler: auth.user('mfa:write'),
      schema: {
        tags,
        summary: 'Turn the authenticator app on',
        description:
          'With a current code of the app and fresh proof (`currentPassword`, or for an account without one `confirmCode`). ' +
          'The first factor also returns 10 recovery codes. The change is mailed with a link that undoes it.',
        body: ChangeBody,
        response: { 200: RecoveryCodes, ...problemResponses(401, 403, 409, 422, 429) },
      },
    },
    async (request) => ({
      recoveryCodes: await mfa.activateTotp(
        principalOf(request),
        changeOf(request.body),
        requestContext(request),
      ),
    }),
  );

  app.delete(
    '/v1/me/mfa/totp',
    {
      preHandler: auth.user('mfa:write'),
      schema: {
        tags,
        summary: 'Turn the authenticator app off',
        description:
          'Needs a current code from the app and fresh proof (`currentPassword`, or `confirmCode`). Mailed with an undo link.',
        body: ChangeBody,
        response: { 204: NoContent, ...problemResponses(401, 403, 422, 429) },
      },
    },
    async (request, reply) => {
      await mfa.disableTotp(principalOf(request), changeOf(request.body), requestContext(request));
      return sendEmpty(reply, 204);
    },
  );

  app.post(
    '/v1/me/mfa/email',
    {
      preHandler: auth.user('mfa:write'),
      schema: {
        tags,
        summary: 'Mail me a code to turn email codes on or off',
        response: { 202: NoContent, ...problemResponses(401, 422, 429) },
      },
    },
    async (request, reply) => {
      await mfa.sendSetupCode(principalOf(request).userId);
      return sendEmpty(reply, 202);
    },
  );

  app.post(
    '/v1/me/mfa/email/activate',
    {
      preHandler: auth.user('mfa:write'),
      schema: {
        tags,
        summary: 'Turn sign-in codes by email on',
        description:
          'With the code from POST /v1/me/mfa/email and fresh proof (`currentPassword`, or `confirmCode`). Mailed with an undo link.',
        body: ChangeBody,
        response: { 200: RecoveryCodes, ...problemResponses(401, 403, 409, 422, 429) },
      },
    },
    async (request) => ({
      recoveryCodes: await mfa.activateEmail(
        principalOf(request),
        changeOf(request.body),
        requestContext(request),
      ),
    }),
  );

  app.delete(
    '/v1/me/mfa/email',
    {
      preHandler: auth.user('mfa:write'),
      schema: {
        tags,
        summary: 'Turn sign-in codes by email off',
        description:
          'Needs a code from POST /v1/me/mfa/email and fresh proof (`currentPassword`, or `confirmCode`). Mailed with an undo link.',
        body: ChangeBody,
        response: { 204: NoContent, ...problemResponses(401, 403, 422, 429) },
      },
    },
    async (request, reply) => {
      await mfa.disableEmail(principalOf(request), changeOf(request.body), requestContext(request));
      return sendEmpty(reply, 204);
    },
  );

  app.post(
    '/v1/me/mfa/recovery-codes',
    {
      preHandler: auth.user('mfa:write'),
      schema: {
        tags,
        summary: 'Replace my recovery codes',
        description:
          'Needs a current code (the authenticator app when on, otherwise an email code) and fresh proof ' +
          '(`currentPassword`, or `confirmCode`). The old codes stop working; the change is mailed with an undo link.',
        body: ChangeBody,
        response: { 200: RecoveryCodes, ...problemResponses(401, 403, 422, 429) },
      },
    },
    async (request) => ({
      recoveryCodes: await mfa.regenerateRecoveryCodes(
        principalOf(request),
        changeOf(request.body),
        requestContext(request),
      ),
    }),
  );

  app.post(
    '/v1/sessions/mfa',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Complete a sign-in with a second factor',
        description:
          'With the `mfaToken` of the sign-in reply (valid 5 minutes, 5 tries) and a code of one of its `methods`: ' +
          '`totp`, `email` (after POST /v1/sessions/mfa/email) or `recovery_code` (each works once).',
        body: Type.Object(
          {
            mfaToken: MfaToken,
            method: Type.Union([Type.Literal('totp'), Type.Literal('email'), Type.Literal('recovery_code')]),
            code: Type.String({ minLength: 1, maxLength: 40 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Tokens, ...problemResponses(401, 422, 429) },
      },
    },
    async (request) => signedInReply(await mfa.completeChallenge(request.body, requestContext(request))),
  );

  app.post(
    '/v1/sessions/mfa/email',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Mail a sign-in code for a pending MFA sign-in',
        body: Type.Object({ mfaToken: MfaToken }, { additionalProperties: false }),
        response: { 202: NoContent, ...problemResponses(401, 422, 429) },
      },
    },
    async (request, reply) => {
      await mfa.sendLoginCode(request.body.mfaToken);
      return sendEmpty(reply, 202);
    },
  );
}
