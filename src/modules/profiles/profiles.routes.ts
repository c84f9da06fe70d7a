// The signed-in user's own view and its partial updates.

import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, callerOf, principalOf, viewerOf } from '../../http/authenticate.ts';
import { problemResponses } from '../../http/problem.ts';
import { requestContext } from '../../http/request-context.ts';
import { Id } from '../../http/schemas.ts';
import { MeView, ProfilePatchBody, PublicUser, toMeView, toPublicUser } from './profiles.schemas.ts';
import type { ProfilesService } from './profiles.service.ts';

export function profilesRoutes(app: App, deps: { profiles: ProfilesService; auth: Authenticator }): void {
  const { profiles, auth } = deps;

  app.get(
    '/v1/me',
    {
      preHandler: auth.user('profile:read'),
      schema: {
        tags: ['me'],
        summary: 'The signed-in user',
        response: { 200: MeView, ...problemResponses(401) },
      },
    },
    async (request) => toMeView(await profiles.ownView(principalOf(request).userId)),
  );

  app.patch(
    '/v1/me',
    {
      preHandler: auth.user('profile:write'),
      schema: {
        tags: ['me'],
        summary: 'Update my profile',
        description:
          'Absent fields stay, `null` clears, nested objects (`name`, `contact`, `socials`) merge. Unknown ' +
          'fields, including `role`, counts and verification flags, are a 422. A taken username is a 409, ' +
          'whoever holds it: a name held by a sign-up nobody has verified yet is taken too, until that ' +
          'sign-up is verified or removed (ROSTER_UNVERIFIED_TTL).',
        body: ProfilePatchBody,
        response: { 200: MeView, ...problemResponses(401, 409, 422, 429) },
      },
    },
    async (request) => toMeView(await profiles.update(principalOf(request).userId, request.body)),
  );

  app.patch(
    '/v1/admin/users/:id/profile',
    {
      preHandler: auth.userOrService('admin:profile:write'),
      schema: {
        tags: ['users'],
        summary: 'Change another user’s profile (staff)',
        description:
          'The same patch as PATCH /v1/me, applied to the account named: every field, whatever ' +
          'ROSTER_PROFILE_EDITABLE_FIELDS leaves to users. A number set here is unverified, as the ' +
          'owner’s is. Admins, or service keys with `admin:profile:write`; audited with the actor and the ' +
          'fields named. Answers the account’s full view.',
        params: Type.Object({ id: Id }),
        body: ProfilePatchBody,
        response: { 200: MeView, ...problemResponses(401, 403, 404, 409, 422, 429) },
      },
    },
    async (request) =>
      toMeView(
        await profiles.staffUpdate(
          callerOf(request),
          request.params.id,
          request.body,
          requestContext(request),
        ),
      ),
  );

  app.get(
    '/v1/users/:id',
    {
      preHandler: auth.user('profile:read'),
      schema: {
        tags: ['users'],
        summary: 'Another user (public view)',
        description:
          'No email, phone or contact details. Unknown, deleted and banned accounts are 404, and so is ' +
          'a user who blocks you or whom you block. `profileCompleteness` is the public score: only the ' +
          'parts shown here count, scaled to 0–100. A staff role (`admin`) shows as `user` except to staff.',
        params: Type.Object({ id: Id }),
        response: { 200: PublicUser, ...problemResponses(401, 404, 422) },
      },
    },
    async (request) => toPublicUser(await profiles.publicView(request.params.id, viewerOf(request))),
  );

  app.get(
    '/v1/tags',
    {
      preHandler: auth.user('profile:read'),
      schema: {
        tags: ['users'],
        summary: 'Tags for autocomplete',
        description: 'Tags in use whose key starts with `q` (normalised like tags are), most used first.',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 40 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                name: Type.String(),
                key: Type.String(),
                color: Type.String(),
                usageCount: Type.Integer(),
              }),
            ),
          }),
          ...problemResponses(401, 422),
        },
      },
    },
    async (request) => ({
      items: await profiles.searchTags(request.query.q ?? '', request.query.limit ?? 10),
    }),
  );
}
