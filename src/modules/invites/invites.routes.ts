// The signed-in user's invite codes and referral code.
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, principalOf } from '../../http/authenticate.ts';
import { problemResponses } from '../../http/problem.ts';
import type { InvitesService } from './invites.service.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const InviteCode = Type.Object(
  {
    code: Type.String({
      description: 'Groups of five, e.g. `7K3QM-X9D2A`; typed back in any case, dashes optional',
    }),
    createdAt: Type.String({ format: 'date-time' }),
    usedBy: Nullable(Type.String({ description: 'The account it admitted' })),
    usedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { examples: [{ code: '7K3QM-X9D2A', createdAt: '2026-11-22T10:00:00.000Z', usedBy: null, usedAt: null }] },
);

export function invitesRoutes(app: App, deps: { invites: InvitesService; auth: Authenticator }): void {
  const { invites, auth } = deps;

  app.get(
    '/v1/me/invite-codes',
    {
      preHandler: auth.user('invite-code:read'),
      schema: {
        tags: ['invites'],
        summary: 'My invite codes',
        description: 'Newest first, each with the account it admitted once used.',
        response: { 200: Type.Object({ items: Type.Array(InviteCode) }), ...problemResponses(401) },
      },
    },
    async (request) => ({ items: await invites.listCodes(principalOf(request).userId) }),
  );

  app.post(
    '/v1/me/invite-codes',
    {
      preHandler: auth.user('invite-code:write'),
      schema: {
        tags: ['invites'],
        summary: 'Create an invite code',
        description:
          'Each code admits one account. Every user may create `ROSTER_INVITE_QUOTA` codes in all (admins ' +
          'any number); past that, a 403 `invite_quota_reached`.',
        response: { 201: InviteCode, ...problemResponses(401, 403, 429) },
      },
    },
    async (request, reply) => reply.code(201).send(await invites.createCode(principalOf(request).userId)),
  );

  app.get(
    '/v1/me/referrals',
    {
      preHandler: auth.user('invite-code:read'),
      schema: {
        tags: ['invites'],
        summary: 'My referral code and how many signed up with it',
        description: 'Share the code; a sign-up that sends it as `referralCode` counts here.',
        response: {
          200: Type.Object(
            {
              code: Type.String(),
              referredCount: Type.Integer({ minimum: 0 }),
            },
            { examples: [{ code: 'M4TQ8-ZK2W', referredCount: 3 }] },
          ),
          ...problemResponses(401),
        },
      },
    },
    async (request) => invites.referral(principalOf(request).userId),
  );
}
