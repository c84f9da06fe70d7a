// Staff and service keys set an account's standing: role, account type,
// verification status and score. Users see theirs in GET /v1/me.
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
  score: Type.Integer(),
});

const StandingBody = Type.Object(
  {
    role: Type.Optional(Name),
    type: Type.Optional(Type.Union([Name, Type.Null()])),
    verification: Type.Optional(Type.Union([VerificationStatus, Type.Null()])),
  },
  {
    additionalProperties: false,
    examples: [{ role: 'partner', type: 'recipient', verification: 'verified' }],
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
        summary: 'Set an account’s role, type or verification status',
        description:
          'Admins, or service keys with `standing:write`. `role` is `user` or a business role (ROSTER_ROLES); ' +
          'the staff role is given and taken only with the command line. `type` is one of ' +
          'ROSTER_ACCOUNT_TYPES or null; `verification` is `pending`, `verified`, `rejected` or null. ' +
          'Audited with the actor.',
        params,
        body: StandingBody,
        response: { 200: Standing, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request) =>
      standing.update(callerOf(request), request.params.id, request.body, requestContext(request)),
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
