// Achievements over HTTP: a user's own, another user's (as their public view
// allows), and the service-key write that raises progress.
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, callerOf, principalOf, viewerOf } from '../../http/authenticate.ts';
import { problemResponses } from '../../http/problem.ts';
import { requestContext } from '../../http/request-context.ts';
import { Id } from '../../http/schemas.ts';
import type { AchievementsService, AchievementView } from './achievements.service.ts';

const Achievement = Type.Object(
  {
    id: Type.String(),
    type: Type.String({ examples: ['five-star'] }),
    total: Type.Integer({ description: 'The target (ROSTER_ACHIEVEMENTS)', examples: [20] }),
    value: Type.Integer({ description: 'Progress, from 0 to `total`', examples: [3] }),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { description: 'Progress towards one achievement' },
);
const Achievements = Type.Object({ items: Type.Array(Achievement) });

const toAchievement = (a: AchievementView) => ({
  id: a.id,
  type: a.type,
  total: a.total,
  value: a.value,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
});
const list = (items: readonly AchievementView[]) => ({ items: items.map(toAchievement) });

const Amount = Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000 });
const ProgressBody = Type.Union(
  [
    Type.Object({ add: Amount }, { additionalProperties: false }),
    Type.Object({ set: Amount }, { additionalProperties: false }),
  ],
  { examples: [{ add: 1 }] },
);

export function achievementsRoutes(
  app: App,
  deps: { achievements: AchievementsService; auth: Authenticator },
): void {
  const { achievements, auth } = deps;

  app.get(
    '/v1/me/achievements',
    {
      preHandler: auth.user('profile:read'),
      schema: {
        tags: ['achievements'],
        summary: 'My achievements',
        description: 'Every type the operator configured (ROSTER_ACHIEVEMENTS), in that order.',
        response: { 200: Achievements, ...problemResponses(401) },
      },
    },
    async (request) => list(await achievements.mine(principalOf(request).userId)),
  );

  app.get(
    '/v1/users/:id/achievements',
    {
      preHandler: auth.user('profile:read'),
      schema: {
        tags: ['achievements'],
        summary: 'A user’s achievements',
        description:
          'As public as the profile: 404 where GET /v1/users/{id} is (blocked either way, not listed).',
        params: Type.Object({ id: Id }),
        response: { 200: Achievements, ...problemResponses(401, 404) },
      },
    },
    async (request) => list(await achievements.ofUser(viewerOf(request), request.params.id)),
  );

  app.post(
    '/v1/admin/users/:id/achievements/:type',
    {
      preHandler: auth.userOrService('achievements:write'),
      schema: {
        tags: ['achievements'],
        summary: 'Raise or set a user’s progress',
        description:
          '`{"add": n}` (concurrent additions all count) or `{"set": n}`; the value stays within 0 and the ' +
          'target. Service keys with `achievements:write`, or admins; audited. `referral` is counted by Roster ' +
          '(the verified accounts the user referred) and cannot be written (409).',
        params: Type.Object({ id: Id, type: Type.String({ maxLength: 32 }) }),
        body: ProgressBody,
        response: { 200: Achievement, ...problemResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request) =>
      toAchievement(
        await achievements.progress(
          callerOf(request),
          request.params.id,
          request.params.type,
          request.body,
          requestContext(request),
        ),
      ),
  );
}
