// Staff and service keys set an account's standing: role, account type,
// verification status, restriction, score and subscription. Users see
// theirs in GET /v1/me.
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, callerOf } from '../../http/authenticate.ts';
import { problemResponses } from '../../http/problem.ts';
import { requestContext } from '../../http/request-context.ts';
import { Id } from '../../http/schemas.ts';
import { SCORE_RANGE, type StandingService } from './standing.service.ts';

const Name = Type.String({ maxLength: 32, description: 'A name the operator configured' });
const VerificationStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('verified'),
  Type.Literal('rejected'),
]);

const Standing = Type.Object({
  id: Id,
  role: Type.String({
    description: '`user`, `admin`, or a business role of ROSTER_ROLES',
    examples: ['partner'],
  }),
  type: Type.Union([Type.String(), Type.Null()], {
    description: 'One of ROSTER_ACCOUNT_TYPES, or null',
    examples: ['recipient'],
  }),
  verification: Type.Union([VerificationStatus, Type.Null()], {
    description: 'Identity verification (KYC): null until asked for',
  }),
  restricted: Type.Boolean({
    description:
      'A flag for the apps, which decide what a restricted account may not do; Roster changes nothing',
  }),
  score: Type.Integer(),
  subscription: Type.Object({
    tier: Type.Union([Type.String(), Type.Null()], {
      description: 'One of ROSTER_SUBSCRIPTION_TIERS, or null',
      examples: ['basic'],
    }),
    expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When it ends; null with a tier: until staff end it',
    }),
    active: Type.Boolean({ description: 'A tier is set and its end, if any, is still ahead' }),
  }),
});

const StandingBody = Type.Object(
  {
    role: Type.Optional(Name),
    type: Type.Optional(Type.Union([Name, Type.Null()])),
    verification: Type.Optional(Type.Union([VerificationStatus, Type.Null()])),
    restricted: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: false,
    examples: [{ role: 'partner', type: 'recipient', verification: 'verified' }, { restricted: true }],
  },
);

const SubscriptionBody = Type.Object(
  {
    tier: Type.Union([Name, Type.Null()], { description: 'One of ROSTER_SUBSCRIPTION_TIERS; null ends it' }),
    expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When it ends (ISO 8601); null: until changed. Must be null without a tier',
    }),
  },
  {
    additionalProperties: false,
    examples: [{ tier: 'basic', expiresAt: '2027-01-01T00:00:00.000Z' }],
  },
);

const Score = Type.Integer({ minimum: SCORE_RANGE.min, maximum: SCORE_RANGE.max });
const ScoreBody = Type.Union([
  Type.Object({ set: Score }, { additionalProperties: false }),
  Type.Object({ add: Score }, { additionalProperties: false }),
]);

export function standingRoutes(app: App, deps: { standing: StandingService; auth: Authenticator }): void {
  const { standing, auth } = deps;
  const params = Type.Object({ id: Id });

  app.get(
    '/v1/admin/users/:id/standing',
    {
      preHandler: auth.userOrService('users:read'),
      schema: {
        tags: ['users'],
        summary: 'An account’s standing',
        description:
          'Role, account type, verification status and score. Admins, or service keys with `users:read`.',
        params,
        response: { 200: Standing, ...problemResponses(401, 403, 404) },
      },
    },
    async (request) => standing.get(callerOf(request), request.params.id),
  );

  app.patch(
    '/v1/admin/users/:id/standing',
    {
      preHandler: auth.userOrService('standing:write'),
      schema: {
        tags: ['users'],
        summary: 'Set an account’s role, type, verification status or restriction',
        description:
          'Admins, or service keys with `standing:write`. `role` is `user` or a business role (ROSTER_ROLES); ' +
          'the staff role is given and taken only with the command line. `type` is one of ' +
          'ROSTER_ACCOUNT_TYPES or null; `verification` is `pending`, `verified`, `rejected` or null. ' +
          '`restricted` is a flag the apps read (`isRestricted` in the views) and decide what it limits; ' +
          'Roster itself changes nothing for it. Audited with the actor.',
        params,
        body: StandingBody,
        response: { 200: Standing, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request) =>
      standing.update(callerOf(request), request.params.id, request.body, requestContext(request)),
  );

  app.put(
    '/v1/admin/users/:id/subscription',
    {
      preHandler: auth.userOrService('subscriptions:write'),
      schema: {
        tags: ['users'],
        summary: 'Set or end an account’s subscription',
        description:
          'Replaces the subscription: `tier` (one of ROSTER_SUBSCRIPTION_TIERS, or null for none) and ' +
          '`expiresAt` (null: until changed; a past instant records a lapsed one). The views show ' +
          '`isSubscribed` (a tier whose end, if any, is ahead), `subscriptionTier` and, to the owner ' +
          'and staff, `subscriptionExpiresAt`. Admins, or service keys with `subscriptions:write` (a ' +
          'billing system); never the user. Audited with the actor.',
        params,
        body: SubscriptionBody,
        response: { 200: Standing, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request) =>
      standing.setSubscription(callerOf(request), request.params.id, request.body, requestContext(request)),
  );

  app.post(
    '/v1/admin/users/:id/score',
    {
      preHandler: auth.userOrService('scores:write'),
      schema: {
        tags: ['users'],
        summary: 'Set or add to an account’s score',
        description:
          '`{"set": n}` or `{"add": n}` (negative to take away); concurrent additions all count. The score ' +
          `stays within ${SCORE_RANGE.min} to ${SCORE_RANGE.max} (422 otherwise). Admins, or service keys ` +
          'with `scores:write`; audited.',
        params,
        body: ScoreBody,
        response: { 200: Standing, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request) =>
      standing.changeScore(callerOf(request), request.params.id, request.body, requestContext(request)),
  );
}
