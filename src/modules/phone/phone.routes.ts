// Sign-in by SMS code, and linking a number to the signed-in account.
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, principalOf } from '../../http/authenticate.ts';
import { problemResponses } from '../../http/problem.ts';
import { requestContext } from '../../http/request-context.ts';
import { Text } from '../../http/schemas.ts';
import { PrivateUser, toPrivateUser } from '../accounts/accounts.schemas.ts';
import { loginReply } from '../credentials/login.schemas.ts';
import { ReauthFields, reauthOf } from '../credentials/reauthentication.schemas.ts';
import { MfaRequired, Tokens } from '../sessions/sessions.schemas.ts';
import type { PhoneService } from './phone.service.ts';

const Phone = Text(32, {
  minLength: 3,
  description: 'Phone number; +<country code> unless a default region is set',
  examples: ['+49 151 2345 6789'],
});
const PhoneBody = Type.Object({ phone: Phone }, { additionalProperties: false });
const VerifyBody = Type.Object(
  {
    phone: Phone,
    code: Type.String({ pattern: '^[0-9]{6}$', description: 'The 6-digit code from the SMS' }),
    oti: Type.String({ format: 'uuid', description: 'The one-time id the code request returned' }),
  },
  { additionalProperties: false },
);
const LoginVerifyBody = Type.Object(
  {
    ...VerifyBody.properties,
    inviteCode: Type.Optional(
      Text(64, {
        description: 'For a new number: an unused invite code, required when the service is invite-only',
      }),
    ),
    referralCode: Type.Optional(
      Text(64, { description: 'For a new number: the referral code of whoever brought you' }),
    ),
  },
  { additionalProperties: false },
);
const Created = Type.Boolean({ description: 'True when this sign-in made a new account' });
const LinkVerifyBody = Type.Object(
  {
    ...VerifyBody.properties,
    ...ReauthFields,
    mfaCode: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 40,
        deprecated: true,
        description: 'The earlier name of `confirmCode` (with a second-factor code); still accepted',
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        phone: '+4915112345678',
        code: '123456',
        oti: '0193e4c2-7a1b-7c3d-9e8f-0a1b2c3d4e5f',
        currentPassword: 'correct horse battery staple',
      },
    ],
  },
);
const CodeSent = Type.Object({
  oti: Type.String({ description: 'One-time id: send it back with the code' }),
  expiresAt: Type.String({ format: 'date-time', description: 'The code expires then (5 minutes)' }),
  retryAfter: Type.Integer({
    minimum: 0,
    description:
      'Seconds until the next code to this number may be asked for from here: the 30 s cooldown, or longer when this send used up an hourly quota',
  }),
  nextSendAt: Type.String({ format: 'date-time', description: 'When the next code may be asked for' }),
});

export function phoneRoutes(app: App, deps: { phone: PhoneService; auth: Authenticator }): void {
  const { phone, auth } = deps;

  app.post(
    '/v1/phone/otp',
    {
      schema: {
        tags: ['phone'],
        summary: 'Send a sign-in code by SMS',
        description:
          'Always the same reply for known and new numbers; `retryAfter` and `nextSendAt` say when the next code ' +
          'may be asked for. From one network, one SMS per number every 30 s and 5 an hour; per-IP, per-number ' +
          'and service-wide limits guard against SMS pumping, and a flood from elsewhere does not spend them.',
        body: PhoneBody,
        response: { 202: CodeSent, ...problemResponses(422, 429) },
      },
    },
    async (request, reply) => {
      reply.code(202);
      return phone.requestLoginCode(request.body.phone, requestContext(request));
    },
  );

  app.post(
    '/v1/phone/otp/verify',
    {
      schema: {
        tags: ['phone'],
        summary: 'Sign in with the SMS code',
        description:
          'Creates the account on first use (`created: true`). A code allows 5 tries and works once; a number ' +
          'allows 100 failed codes a day. With a second factor on, the reply is `{mfaRequired, mfaToken, methods}`.',
        body: LoginVerifyBody,
        response: {
          200: Type.Union([
            Type.Object({ ...Tokens.properties, created: Created }),
            Type.Object({ ...MfaRequired.properties, created: Created }),
          ]),
          ...problemResponses(403, 422, 429),
        },
      },
    },
    async (request) => {
      const outcome = await phone.verifyLogin(request.body, requestContext(request));
      return { ...loginReply(outcome), created: outcome.created };
    },
  );

  app.post(
    '/v1/me/phone',
    {
      preHandler: auth.user('account:write'),
      schema: {
        tags: ['me'],
        summary: 'Send a code to link a phone number',
        description: '409 `phone_taken` when the number is verified on another account.',
        body: PhoneBody,
        response: { 202: CodeSent, ...problemResponses(401, 409, 422, 429) },
      },
    },
    async (request, reply) => {
      reply.code(202);
      return phone.requestLinkCode(principalOf(request).userId, request.body.phone, requestContext(request));
    },
  );

  app.post(
    '/v1/me/phone/verify',
    {
      preHandler: auth.user('account:write'),
      schema: {
        tags: ['me'],
        summary: 'Link the phone number with the SMS code',
        description:
          'Linking a number (the first, or one that replaces another) also needs fresh proof: `currentPassword`, ' +
          'or for an account without a password `confirmCode` (a code of a second factor set up before this ' +
          'sign-in, or an SMS code sent to the account’s own number, with its `confirmOti`). The change is ' +
          'mailed with a link that undoes it; replacing a number also ends the other sessions. A refused code says ' +
          'why, as the oti was the caller’s: `oti_expired` (unknown, used, or another account’s), `otp_expired` ' +
          '(past its 5 minutes or its 5 tries), `invalid_code` (wrong).',
        body: LinkVerifyBody,
        response: { 200: PrivateUser, ...problemResponses(401, 403, 409, 422, 429) },
      },
    },
    async (request) => {
      const { phone: number, code, oti } = request.body;
      const { mfaCode, ...body } = request.body;
      const reauth = reauthOf({ ...body, confirmCode: body.confirmCode ?? mfaCode });
      const input = { phone: number, code, oti, reauth };
      return toPrivateUser(await phone.verifyLink(principalOf(request), input, requestContext(request)));
    },
  );
}
