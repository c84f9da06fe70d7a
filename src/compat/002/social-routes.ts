// Seed 002's social routes: block and unblock, follow and unfollow, the
// follow lists (mine and another user's), follow requests and accepting one,
// and removing a follow entry. Each maps onto the social service; its rules
// (privacy, blocks, who may read a list) stay there. Pages: `limit` and
// `offset`, the `_id` of the last record of the previous page, which the
// social service turns into its keyset position (keyAfterEntry).
import type { FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { principalOf, viewerOf } from '../../http/authenticate.ts';
import type { ListItem, ListKey, ListPage } from '../../modules/social/index.ts';
import type { PageRequest } from '../../platform/page.ts';
import type { SurfaceDeps } from '../surface.ts';
import { OK, Ok, replies, WithData, withData } from './envelope.ts';
import { UserIdParams } from './profile-schemas.ts';
import { AUTH_NOTE, signedIn } from './session-auth.ts';
import { SeedUser, toOtherUser } from './views.ts';

/** An id as sent: no spaces or control characters (Roster's ids have none). */
const Id = (description: string) =>
  Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\s\\u0000-\\u001f\\u007f]+$', description });
const TargetBody = Type.Object({ target: Id('The other user’s `_id`') });
const RequestBody = Type.Object({
  request: Id('The `_id` of the follow request (GET /user/follow-requests)'),
});
const EntryBody = Type.Object({ entry: Id('The `_id` of a follow record (a follower’s or a following)') });

const ListQuery = Type.Object({
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Records per page' }),
  ),
  offset: Type.Optional(Id('The `_id` of the last record of the previous page')),
});
type ListQuery = Static<typeof ListQuery>;

/** A follow record as the list samples show it: the other user under `source` or `target`. */
const FollowRecord = (side: 'source' | 'target') =>
  Type.Object({
    _id: Type.String({ description: 'The follow record’s id: an offset, a request, an entry' }),
    approved: Type.Boolean({ description: 'false for a pending request' }),
    [side]: SeedUser,
  });
const Records = (side: 'source' | 'target') =>
  WithData(Type.Object({ records: Type.Array(FollowRecord(side)) }));

type Kind = 'followers' | 'following' | 'requests';
const SIDE: Record<Kind, 'source' | 'target'> = {
  followers: 'source',
  following: 'target',
  requests: 'source',
};

export function socialRoutes(scope: App, deps: SurfaceDeps): void {
  const { social } = deps.roster;

  /** The seed's page as the service's: `offset` resumes after that record of the owner's list. */
  async function pageOf(kind: Kind, ownerId: string, query: ListQuery): Promise<PageRequest<ListKey>> {
    const limit = query.limit ?? 20;
    if (query.offset === undefined) return { limit };
    return { limit, after: await social.keyAfterEntry(kind, ownerId, query.offset.trim()) };
  }

  const recordsOf = (kind: Kind, page: ListPage) =>
    withData({
      records: page.items.map((item: ListItem) => ({
        _id: item.id,
        approved: kind !== 'requests',
        [SIDE[kind]]: toOtherUser(item.view),
      })),
    });

  const change = (
    path: string,
    summary: string,
    permission: 'social:block:write' | 'social:follow:write',
    description: string,
    act: (userId: string, target: string) => Promise<unknown>,
  ) =>
    scope.post(
      path,
      {
        preHandler: signedIn(deps, permission),
        schema: {
          summary,
          description: `${description} ${AUTH_NOTE}`,
          body: TargetBody,
          response: replies(Ok),
        },
      },
      async (request) => {
        await act(principalOf(request).userId, request.body.target.trim());
        return OK;
      },
    );

  change(
    '/block',
    'Block',
    'social:block:write',
    'Blocks a user: follows and requests both ways end. Blocking again is fine. A user who blocks you ' +
      'is a 404, as an unknown id. Scope delegated:social:block:write. Native: POST /v1/users/{id}/block.',
    (userId, target) => social.block(userId, target),
  );
  change(
    '/unblock',
    'Unblock',
    'social:block:write',
    'Unblocks a user; one you do not block is fine too. Scope delegated:social:block:write. ' +
      'Native: DELETE /v1/users/{id}/block.',
    (userId, target) => social.unblock(userId, target),
  );
  change(
    '/follow',
    'Follow',
    'social:follow:write',
    'Follows a public account at once; asks a private one (a follow request). Following again changes ' +
      'nothing. An unknown user, or one who blocks you, is a 404; one you block a 403 blocked_by_you. ' +
      'Scope delegated:social:follow:write. Native: POST /v1/users/{id}/follow.',
    (userId, target) => social.follow(userId, target),
  );
  change(
    '/unfollow',
    'Unfollow',
    'social:follow:write',
    'Unfollows, or withdraws a pending request; nothing to undo is fine too. Scope ' +
      'delegated:social:follow:write. Native: DELETE /v1/users/{id}/follow.',
    (userId, target) => social.unfollow(userId, target),
  );

  const listRoute = (
    path: string,
    summary: string,
    kind: Kind,
    description: string,
    list: (request: FastifyRequest, ownerId: string, query: ListQuery) => Promise<ListPage>,
    owner: (request: FastifyRequest) => string,
    params?: typeof UserIdParams,
  ) =>
    scope.get(
      path,
      {
        preHandler: signedIn(deps, 'social:follow:read'),
        schema: {
          summary,
          description:
            `${description} Newest first; \`limit\` 1–100 (20), \`offset\` the \`_id\` of the last record of ` +
            'the previous page (400 invalid_cursor when it is no record of this list). Scope ' +
            `delegated:social:follow:read. ${AUTH_NOTE}`,
          querystring: ListQuery,
          ...(params ? { params } : {}),
          response: replies(Records(SIDE[kind])),
        },
      },
      async (request) => recordsOf(kind, await list(request, owner(request), request.query as ListQuery)),
    );

  const me = (request: FastifyRequest) => principalOf(request).userId;
  const them = (request: FastifyRequest) => (request.params as { userId: string }).userId.trim();
  for (const kind of ['followers', 'following'] as const) {
    // The offset is read once the list's access is settled: a private list's offsets tell nothing.
    const connections = (request: FastifyRequest, ownerId: string, query: ListQuery) =>
      social.connections(
        kind,
        ownerId,
        viewerOf(request),
        { limit: query.limit ?? 20 },
        query.offset?.trim(),
      );
    listRoute(
      `/${kind}`,
      kind === 'followers' ? 'My Followers' : 'My Following',
      kind,
      kind === 'followers'
        ? 'Your followers: each record’s `source` is the follower.'
        : 'Whom you follow: each record’s `target` is the user followed.',
      connections,
      me,
    );
    listRoute(
      `/:userId/${kind}`,
      kind === 'followers' ? 'Followers of a User' : 'Following of a User',
      kind,
      'A user’s list, as GET /user/followers or /user/following shows yours. A private account’s lists ' +
        'are for itself and its accepted followers (403 private_account); an unknown user, or one hidden ' +
        `by a block, is a 404. Native: GET /v1/users/{id}/${kind}.`,
      connections,
      them,
      UserIdParams,
    );
  }
  listRoute(
    '/follow-requests',
    'My Follow Requests',
    'requests',
    'Pending requests to follow you: `source` is who asks, `approved` false. Accept one with PATCH ' +
      '/user/follow-request. Native: GET /v1/me/follow-requests.',
    async (request, ownerId, query) =>
      social.ownList('requests', viewerOf(request), await pageOf('requests', ownerId, query)),
    me,
  );

  scope.patch(
    '/follow-request',
    {
      preHandler: signedIn(deps, 'social:follow:write'),
      schema: {
        summary: 'Accept Follow Request',
        description:
          'Accepts a pending request to follow you by its `_id`. Any other id, or one already answered or ' +
          'withdrawn, is a 404 request_not_found. Scope delegated:social:follow:write. ' +
          `${AUTH_NOTE} Native: POST /v1/me/follow-requests/{id}/accept.`,
        body: RequestBody,
        response: replies(Ok),
      },
    },
    async (request) => {
      await social.answerRequest(principalOf(request).userId, request.body.request.trim(), true);
      return OK;
    },
  );

  scope.delete(
    '/follow-entry',
    {
      preHandler: signedIn(deps, 'social:follow:write'),
      schema: {
        summary: 'Delete Follower/Following',
        description:
          'Deletes a follow record by its `_id`: one of your followers (or a request to you) is removed; ' +
          'one you follow (or your request) is unfollowed. A record you are not part of is a 404. Scope ' +
          `delegated:social:follow:write. ${AUTH_NOTE} Native: DELETE /v1/me/followers/{userId}, ` +
          'DELETE /v1/users/{id}/follow.',
        body: EntryBody,
        response: replies(Ok),
      },
    },
    async (request) => {
      await social.removeEntry(principalOf(request).userId, request.body.entry.trim());
      return OK;
    },
  );
}
