// GET /v1/users: the searchable directory of active users (public views).
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, viewerOf } from '../../http/authenticate.ts';
import { type CursorFormat, PageQuery, pageOf, pageReply, readCursor } from '../../http/pagination.ts';
import { problemResponses } from '../../http/problem.ts';
import { Text } from '../../http/schemas.ts';
import { commonError } from '../../platform/errors.ts';
import { PublicUser, toPublicUser } from '../profiles/profiles.schemas.ts';
import { type DirectoryKey, type DirectoryService, MAX_NUMBERED_RESULTS } from './directory.service.ts';

/** The native cursor's key: the entry's place in sign-up order, in decimal. */
const PLACE: CursorFormat<DirectoryKey> = {
  write: (key) => String(key.seq),
  read: (text) => (/^[1-9][0-9]{0,15}$/.test(text) ? { seq: Number(text) } : null),
};

const Score = (description: string) => Type.Optional(Type.Integer({ minimum: 0, maximum: 100, description }));

const DirectoryQuery = Type.Object({
  q: Type.Optional(
    Text(100, {
      description:
        'Words that must each occur in the first, last or display name, the username or the headline: ' +
        'case-insensitive, anywhere in the word ("jer" finds Jeremy and Majerle); `%` and `_` are literal',
      examples: ['jer'],
    }),
  ),
  role: Type.Optional(
    Type.String({
      pattern: '^[a-z][a-z0-9_-]{0,31}$',
      description:
        '`user`, or a business role (ROSTER_ROLES). Staff roles (`admin`) are not public: to anyone but ' +
        'staff, `admin` matches nobody and `user` matches staff accounts too',
      examples: ['partner'],
    }),
  ),
  type: Type.Optional(
    Type.String({
      pattern: '^[a-z][a-z0-9_-]{0,31}$',
      description: 'The account type (ROSTER_ACCOUNT_TYPES)',
      examples: ['recipient'],
    }),
  ),
  tags: Type.Optional(
    Text(500, { description: 'Comma-separated tags; a user must carry all of them', examples: ['rust,go'] }),
  ),
  completenessMin: Score('Lowest public profile completeness (0–100; what others can see)'),
  completenessMax: Score('Highest public profile completeness (0–100; what others can see)'),
  owned: Type.Optional(
    Type.Boolean({
      description:
        'Only accounts you brought in: signed up with your referral code or one of your invite codes',
    }),
  ),
  page: Type.Optional(
    Type.Integer({
      minimum: 1,
      description:
        `A numbered page instead of a cursor: the reply adds \`page\` and the exact \`total\`. Numbered pages ` +
        `reach the first ${MAX_NUMBERED_RESULTS} matches`,
    }),
  ),
  ...PageQuery.properties,
});

const DirectoryPage = Type.Object({
  ...pageOf(PublicUser).properties,
  page: Type.Optional(Type.Integer({ minimum: 1, description: 'With `page`: this page’s number' })),
  total: Type.Optional(Type.Integer({ minimum: 0, description: 'With `page`: how many users match' })),
});

export function directoryRoutes(app: App, deps: { directory: DirectoryService; auth: Authenticator }): void {
  const { directory, auth } = deps;

  app.get(
    '/v1/users',
    {
      preHandler: auth.user('profile:search'),
      schema: {
        tags: ['users'],
        summary: 'Search the directory',
        description:
          'Active users in creation order, as public views. Filters combine; pages are keyset (`nextCursor`), ' +
          'so users who join while you page never repeat or shift an item. A cursor not issued here is a 400. ' +
          'With `page` instead, numbered pages with the exact `total` (for “page 3 of 12”).',
        querystring: DirectoryQuery,
        response: { 200: DirectoryPage, ...problemResponses(400, 401, 422, 429) },
      },
    },
    async (request) => {
      const { limit = 20, cursor, page, ...filters } = request.query;
      if (page !== undefined) {
        if (cursor !== undefined)
          throw commonError('malformed_request', { detail: 'Send `page` or `cursor`, not both.' });
        const numbered = await directory.numberedPage(viewerOf(request), { ...filters, page, limit });
        return { items: numbered.items.map(toPublicUser), nextCursor: null, page, total: numbered.total };
      }
      const after = readCursor(cursor, PLACE);
      const keyset = await directory.search(viewerOf(request), { ...filters, limit, after });
      return pageReply(keyset, PLACE, toPublicUser);
    },
  );
}
