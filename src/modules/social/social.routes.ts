// Follows, follow requests, blocks, bookmarks and the relationship between two users.
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, principalOf, viewerOf } from '../../http/authenticate.ts';
import { type CursorFormat, PageQuery, pageOf, pageReply, readCursor } from '../../http/pagination.ts';
import { problemResponses } from '../../http/problem.ts';
import { Id, NoContent, sendEmpty } from '../../http/schemas.ts';
import { PublicUser, toPublicUser } from '../profiles/profiles.schemas.ts';
import type { ListKey } from './social.repository.ts';
import type { ListItem, SocialService } from './social.service.ts';

const UserParams = Type.Object({ id: Id });
const At = (description: string) => Type.String({ format: 'date-time', description });
const FollowReply = Type.Object({
  status: Type.Union([Type.Literal('following'), Type.Literal('requested')], {
    description: '`requested` while a private account has not accepted',
  }),
});
const Connection = Type.Object({ user: PublicUser, since: At('When the follow took effect') });
const Request = Type.Object({
  id: Type.String({ description: 'The request; accept or reject it by this id' }),
  user: PublicUser,
  createdAt: At('When it was asked'),
});
const Listed = Type.Object({ user: PublicUser, createdAt: At('When it was added') });
const Relationship = Type.Object(
  {
    following: Type.Boolean({ description: 'You follow them' }),
    followedBy: Type.Boolean({ description: 'They follow you' }),
    requested: Type.Boolean({ description: 'You asked to follow them; not answered yet' }),
    requestedBy: Type.Boolean({ description: 'They asked to follow you; not answered yet' }),
    blocking: Type.Boolean({ description: 'You block them' }),
    blockedBy: Type.Boolean({
      description:
        'Always false: a user who blocks you is a 404 here, as their profile is, so nothing tells a block apart from an account you cannot see',
    }),
    bookmarked: Type.Boolean({ description: 'You bookmarked them' }),
  },
  {
    examples: [
      {
        following: true,
        followedBy: false,
        requested: false,
        requestedBy: false,
        blocking: false,
        blockedBy: false,
        bookmarked: true,
      },
    ],
  },
);

/** The native cursor's key of a list: "<ISO time>|<id>" (the service refuses any other time or id). */
const ENTRY: CursorFormat<ListKey> = {
  write: (key) => `${key.at}|${key.id}`,
  read(text) {
    const [at, id, ...rest] = text.split('|');
    return at && id && rest.length === 0 ? { at, id } : null;
  },
};

export function socialRoutes(app: App, deps: { social: SocialService; auth: Authenticator }): void {
  const { social, auth } = deps;
  const doc = (summary: string, description: string) => ({
    tags: ['social'],
    summary,
    description,
  });
  const done = (reply: FastifyReply) => sendEmpty(reply, 204);

  app.post(
    '/v1/users/:id/follow',
    {
      preHandler: auth.user('social:follow:write'),
      schema: {
        ...doc(
          'Follow a user',
          'A public account is followed at once; a private one gets a request. Following again answers the ' +
            'same status. Your own account is a 422; a missing user, or one who blocks you, a 404; a user ' +
            'you block, a 403 `blocked_by_you`.',
        ),
        params: UserParams,
        response: { 200: FollowReply, ...problemResponses(401, 403, 404, 422, 429) },
      },
    },
    async (request) => ({ status: await social.follow(principalOf(request).userId, request.params.id) }),
  );

  app.delete(
    '/v1/users/:id/follow',
    {
      preHandler: auth.user('social:follow:write'),
      schema: {
        ...doc('Unfollow a user', 'Also withdraws a pending request. Nothing to undo is a 204 too.'),
        params: UserParams,
        response: { 204: NoContent, ...problemResponses(401, 422, 429) },
      },
    },
    async (request, reply) => {
      await social.unfollow(principalOf(request).userId, request.params.id);
      return done(reply);
    },
  );

  for (const kind of ['followers', 'following'] as const) {
    app.get(
      `/v1/users/:id/${kind}`,
      {
        preHandler: auth.user('social:follow:read'),
        schema: {
          ...doc(
            kind === 'followers' ? "A user's followers" : 'Whom a user follows',
            "Newest first, in keyset pages. A private account's lists are for itself and its accepted " +
              'followers (403 `private_account` for others). Users who block you, or whom you block, are ' +
              'left out; a user hidden from you that way is a 404.',
          ),
          params: UserParams,
          querystring: PageQuery,
          response: { 200: pageOf(Connection), ...problemResponses(400, 401, 403, 404, 422) },
        },
      },
      async (request) => {
        const page = await social.connections(
          kind,
          request.params.id,
          viewerOf(request),
          pageOfQuery(request.query),
        );
        return pageReply(page, ENTRY, (i) => ({ user: toPublicUser(i.view), since: i.at }));
      },
    );
  }

  app.get(
    '/v1/me/follow-requests',
    {
      preHandler: auth.user('social:follow:read'),
      schema: {
        ...doc('Follow requests to me', 'Pending requests, newest first. Accept or reject each by its `id`.'),
        querystring: PageQuery,
        response: { 200: pageOf(Request), ...problemResponses(400, 401, 422) },
      },
    },
    async (request) => {
      const page = await social.ownList('requests', viewerOf(request), pageOfQuery(request.query));
      return pageReply(page, ENTRY, (i) => ({ id: i.id, user: toPublicUser(i.view), createdAt: i.at }));
    },
  );

  for (const answer of ['accept', 'reject'] as const) {
    app.post(
      `/v1/me/follow-requests/:id/${answer}`,
      {
        preHandler: auth.user('social:follow:write'),
        schema: {
          ...doc(
            answer === 'accept' ? 'Accept a follow request' : 'Reject a follow request',
            'Only requests to you; any other id, or one already answered or withdrawn, is a 404.',
          ),
          params: UserParams,
          response: { 204: NoContent, ...problemResponses(401, 404, 422, 429) },
        },
      },
      async (request, reply) => {
        await social.answerRequest(principalOf(request).userId, request.params.id, answer === 'accept');
        return done(reply);
      },
    );
  }

  app.delete(
    '/v1/me/followers/:userId',
    {
      preHandler: auth.user('social:follow:write'),
      schema: {
        ...doc('Remove a follower', 'They stop following you (a pending request of theirs goes too).'),
        params: Type.Object({ userId: Id }),
        response: { 204: NoContent, ...problemResponses(401, 422, 429) },
      },
    },
    async (request, reply) => {
      await social.removeFollower(principalOf(request).userId, request.params.userId);
      return done(reply);
    },
  );

  app.post(
    '/v1/users/:id/block',
    {
      preHandler: auth.user('social:block:write'),
      schema: {
        ...doc(
          'Block a user',
          'Removes follows, requests and bookmarks both ways. While the block stands neither can follow the ' +
            "other, your profile is a 404 to them, and each drops out of the other's searches and lists.",
        ),
        params: UserParams,
        response: { 204: NoContent, ...problemResponses(401, 404, 422, 429) },
      },
    },
    async (request, reply) => {
      await social.block(principalOf(request).userId, request.params.id);
      return done(reply);
    },
  );

  app.delete(
    '/v1/users/:id/block',
    {
      preHandler: auth.user('social:block:write'),
      schema: {
        ...doc(
          'Unblock a user',
          'Follows removed by the block do not come back. Nothing to undo is a 204 too.',
        ),
        params: UserParams,
        response: { 204: NoContent, ...problemResponses(401, 422, 429) },
      },
    },
    async (request, reply) => {
      await social.unblock(principalOf(request).userId, request.params.id);
      return done(reply);
    },
  );

  app.get(
    '/v1/me/blocks',
    {
      preHandler: auth.user('social:block:read'),
      schema: {
        ...doc('Users I block', 'Newest first, in keyset pages.'),
        querystring: PageQuery,
        response: { 200: pageOf(Listed), ...problemResponses(400, 401, 422) },
      },
    },
    async (request) => listed(await social.ownList('blocks', viewerOf(request), pageOfQuery(request.query))),
  );

  app.get(
    '/v1/users/:id/relationship',
    {
      preHandler: auth.user('social:follow:read'),
      schema: {
        ...doc(
          'How I relate to a user',
          'Follows and requests each way, my block, and my bookmark. A user who blocks you is a 404, like ' +
            'their profile (unless you block them too: then you see your own block). `blocking` and ' +
            '`bookmarked` are false for a token that may not read blocks or bookmarks.',
        ),
        params: UserParams,
        response: { 200: Relationship, ...problemResponses(401, 404, 422) },
      },
    },
    async (request) => social.relationship(principalOf(request), request.params.id),
  );

  app.put(
    '/v1/me/bookmarks/:userId',
    {
      preHandler: auth.user('social:bookmark:write'),
      schema: {
        ...doc(
          'Bookmark a user',
          'Bookmarking again changes nothing. Yourself is a 422; a hidden user a 404.',
        ),
        params: Type.Object({ userId: Id }),
        response: { 204: NoContent, ...problemResponses(401, 404, 422, 429) },
      },
    },
    async (request, reply) => {
      await social.bookmark(principalOf(request).userId, request.params.userId);
      return done(reply);
    },
  );

  app.delete(
    '/v1/me/bookmarks/:userId',
    {
      preHandler: auth.user('social:bookmark:write'),
      schema: {
        ...doc('Remove a bookmark', 'Nothing to remove is a 204 too.'),
        params: Type.Object({ userId: Id }),
        response: { 204: NoContent, ...problemResponses(401, 422, 429) },
      },
    },
    async (request, reply) => {
      await social.unbookmark(principalOf(request).userId, request.params.userId);
      return done(reply);
    },
  );

  app.get(
    '/v1/me/bookmarks',
    {
      preHandler: auth.user('social:bookmark:read'),
      schema: {
        ...doc('Users I bookmarked', 'Newest first, in keyset pages; users hidden by a block are left out.'),
        querystring: PageQuery,
        response: { 200: pageOf(Listed), ...problemResponses(400, 401, 422) },
      },
    },
    async (request) =>
      listed(await social.ownList('bookmarks', viewerOf(request), pageOfQuery(request.query))),
  );
}

/** `?limit=&cursor=` as the service's page request. */
const pageOfQuery = (query: { limit?: number; cursor?: string }) => ({
  limit: query.limit ?? 20,
  after: readCursor(query.cursor, ENTRY),
});

const listed = (page: { items: ListItem[]; next: ListKey | null }) =>
  pageReply(page, ENTRY, (i) => ({ user: toPublicUser(i.view), createdAt: i.at }));
