// Seed 002's search and invite codes: POST /user/search maps onto the
// directory's search (the users the caller may see, blocks either way left
// out), GET /user/invite-codes onto the invites module's list of the caller's
// codes.
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { principalOf, viewerOf } from '../../http/authenticate.ts';
import { Text } from '../../http/schemas.ts';
import type { SurfaceDeps } from '../surface.ts';
import { replies, WithData, withData } from './envelope.ts';
import { AUTH_NOTE, signedIn } from './session-auth.ts';
import { SeedUser, toOtherUser } from './views.ts';

/** Results per search page unless `limit` says (the seed names no paging for search). */
export const SEARCH_RESULTS = 20;

const SearchQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 100,
      description: `Results per page (${SEARCH_RESULTS} by default)`,
    }),
  ),
  offset: Type.Optional(
    Text(64, { minLength: 1, description: 'The `_id` of the last result of the previous page' }),
  ),
});

const SearchBody = Type.Object(
  {
    query: Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '\\S',
      description: 'Words to find in names, usernames, headlines and tags',
    }),
  },
  { examples: [{ query: 'rick' }] },
);

const SearchReply = WithData(
  Type.Object({
    results: Type.Array(
      Type.Object({
        _id: Type.String({ description: 'The user’s `_id`' }),
        approved: Type.Boolean({ description: 'Always true (the sample’s record shape)' }),
        source: SeedUser,
      }),
    ),
  }),
);

const InviteCodesReply = WithData(
  Type.Object({
    inviteCodes: Type.Array(
      Type.Object({
        code: Type.String(),
        createdAt: Type.String({ format: 'date-time' }),
        updatedAt: Type.String({ format: 'date-time', description: 'When it was used; else createdAt' }),
        targetId: Type.Optional(
          Type.String({
            description: 'The account it admitted, once that account is verified; absent: unused',
          }),
        ),
      }),
    ),
  }),
);

export function directoryRoutes(scope: App, deps: SurfaceDeps): void {
  const { directory, invites } = deps.roster;

  scope.post(
    '/search',
    {
      preHandler: signedIn(deps, 'profile:search'),
      schema: {
        summary: 'Search Users',
        description:
          'The users whose search entry holds every word of `query`, as the sample shows ' +
          'them: `{_id, approved, source}`, `source` the user’s object (contact data null). Users who block ' +
          'you, or whom you block, are left out. Pages as the lists: `limit` (1–100, ' +
          `${SEARCH_RESULTS} by default) and \`offset\`, the \`_id\` of the previous page’s last result; ` +
          'the last page is the one shorter than `limit`. Scope delegated:profile:search. ' +
          `${AUTH_NOTE} Native: GET /v1/users?q=.`,
        body: SearchBody,
        querystring: SearchQuery,
        response: replies(SearchReply),
      },
    },
    async (request) => {
      const { limit = SEARCH_RESULTS, offset } = request.query;
      const after =
        offset === undefined ? undefined : await directory.keyAfterUser(viewerOf(request), offset.trim());
      const page = await directory.search(viewerOf(request), { q: request.body.query, limit, after });
      return withData({
        results: page.items.map((view) => ({ _id: view.id, approved: true, source: toOtherUser(view) })),
      });
    },
  );

  scope.get(
    '/invite-codes',
    {
      preHandler: signedIn(deps, 'invite-code:read'),
      schema: {
        summary: 'Get Invite Codes',
        description:
          'Your invite codes, newest first. `targetId` names the account a code admitted once that account ' +
          'is verified; absent, the code is unused. Scope delegated:social:invite-code:read. ' +
          `${AUTH_NOTE} Native: GET /v1/me/invite-codes.`,
        response: replies(InviteCodesReply),
      },
    },
    async (request) => {
      const codes = await invites.listCodes(principalOf(request).userId);
      return withData({
        inviteCodes: codes.map((c) => ({
          code: c.code,
          createdAt: c.createdAt,
          updatedAt: c.usedAt ?? c.createdAt,
          ...(c.usedBy !== null ? { targetId: c.usedBy } : {}),
        })),
      });
    },
  );
}
