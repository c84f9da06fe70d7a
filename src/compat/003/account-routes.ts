// Seed 003's account routes: the signed-in user's account, its update, other
// users one by one and as a numbered list, the password, signing out and
// deleting the account. Each parses, calls the services and renames.
import { type Static, Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { principalOf, viewerOf } from '../../http/authenticate.ts';
import { requestContext } from '../../http/request-context.ts';
import type { ProfilePatch } from '../../modules/profiles/index.ts';
import type { SurfaceDeps } from '../surface.ts';
import { Empty, replies, Success, success } from './envelope.ts';
import {
  ListQuery,
  PasswordBody,
  PasswordChangeBody,
  UPDATE_FIELDS,
  UpdateBody,
  UserIdParams,
} from './schemas.ts';
import { Account, ListedUser, OtherUser, toAccount, toListedUser, toOtherUser } from './views.ts';

const UserList = Type.Object({
  pages: Type.Integer({ description: 'How many pages of `limit` the matches fill (at least 1)' }),
  page: Type.Integer(),
  total: Type.Integer({ description: 'How many users match' }),
  limit: Type.Integer(),
  position: Type.Integer({ description: 'The place of the page’s first user among the matches, from 1' }),
  data: Type.Array(ListedUser),
});

/** The seed's update as the native profile patch: absent stays, null clears, nested objects merge. */
function patchOf(body: Static<typeof UpdateBody>): ProfilePatch {
  const { profile, socials } = body;
  const name = {
    ...(body.firstName !== undefined ? { first: body.firstName } : {}),
    ...(body.lastName !== undefined ? { last: body.lastName } : {}),
  };
  const pick = <T extends object, K extends keyof T>(o: T | undefined, key: K) =>
    o && o[key] !== undefined ? { [key]: o[key] } : {};
  const bio = profile?.bio;
  const talent = profile?.talent;
  return {
    ...(Object.keys(name).length > 0 ? { name } : {}),
    ...(profile?.contact ? { contact: profile.contact } : {}),
    ...(bio?.title !== undefined ? { headline: bio.title } : {}),
    ...(bio?.description !== undefined ? { bio: bio.description } : {}),
    ...pick(talent, 'about'),
    ...pick(talent, 'availability'),
    ...pick(talent, 'tags'),
    ...(socials ? { socials } : {}),
  };
}

export function accountRoutes(scope: App, deps: SurfaceDeps): void {
  const { roster, auth } = deps;
  const { profiles } = roster;

  /** The signed-in user's account object, from every module that holds a part of it. */
  async function accountOf(userId: string): Promise<Static<typeof Account>> {
    const [view, achievements, referralCode, factors] = await Promise.all([
      profiles.ownView(userId),
      roster.achievements.mine(userId),
      roster.invites.referralCode(userId),
      roster.mfa.methodsOn(userId),
    ]);
    const tags = await profiles.tagDetails(view.tags.map((t) => t.key));
    return toAccount({ view, achievements, referralCode, factors, tags });
  }

  scope.get(
    '',
    {
      preHandler: auth.user('profile:read'),
      schema: {
        summary: 'Get Current User Profile',
        description:
          'The signed-in user’s account. Native: GET /v1/me, /v1/me/achievements, /v1/me/referrals.',
        response: replies(200, Success(Account, 'OK')),
      },
    },
    async (request) => success('OK', await accountOf(principalOf(request).userId)),
  );

  scope.patch(
    '/update',
    {
      preHandler: auth.user('profile:write'),
      config: { seed003Fields: UPDATE_FIELDS },
      schema: {
        summary: 'Update Current User Profile',
        description:
          'A partial update: absent fields stay, null clears, nested objects merge; `tags` replaces the tags. ' +
          '`phone` in international format, social links on their own sites; the email cannot change here. ' +
          'Native: PATCH /v1/me.',
        body: UpdateBody,
        response: replies(202, Success(Account, 'Profile updated successfully')),
      },
    },
    async (request, reply) => {
      const { userId } = principalOf(request);
      if (request.body.email !== undefined) await profiles.confirmSameEmail(userId, request.body.email);
      await profiles.update(userId, patchOf(request.body));
      reply.code(202);
      return success('Profile updated successfully', await accountOf(userId));
    },
  );

  scope.get(
    '/user/:id',
    {
      preHandler: auth.user('profile:read'),
      schema: {
        summary: 'Get User By ID',
        description:
          'Another user’s public account; 404 when blocked either way. Native: GET /v1/users/{id}.',
        params: UserIdParams,
        response: replies(200, Success(OtherUser, 'OK')),
      },
    },
    async (request) => {
      const view = await profiles.publicView(request.params.id, viewerOf(request));
      const [achievements, tags] = await Promise.all([
        roster.achievements.mine(view.id),
        profiles.tagDetails(view.tags.map((t) => t.key)),
      ]);
      return success('OK', toOtherUser(view, achievements, tags));
    },
  );

  scope.get(
    '/user',
    {
      preHandler: auth.user('profile:search'),
      config: {
        seed003Fields: {
          q: 'search',
          completenessMin: 'profileCompletenessMin',
          completenessMax: 'profileCompletenessMax',
          owned: 'owner',
        },
      },
      schema: {
        summary: 'List Users',
        description:
          'Numbered pages of the directory with the exact total, filtered by role, profile completeness, tags ' +
          '(all of them), `owner` (accounts you brought in by referral or invite code) and `search`. ' +
          'Native: GET /v1/users?page=.',
        querystring: ListQuery,
        response: replies(200, Success(UserList, 'OK')),
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 12;
      const page = q.page ?? 1;
      const viewer = viewerOf(request);
      const { items, total } = await roster.directory.numberedPage(viewer, {
        q: q.search,
        role: q.role,
        tags: q.tags,
        completenessMin: q.profileCompletenessMin,
        completenessMax: q.profileCompletenessMax,
        owned: q.owner,
        page,
        limit,
      });
      const ids = items.map((v) => v.id);
      const [achievements, tags, bookmarks] = await Promise.all([
        roster.achievements.listOf(ids),
        profiles.tagDetails([...new Set(items.flatMap((v) => v.tags.map((t) => t.key)))]),
        roster.social.bookmarkIds(principalOf(request).userId, ids),
      ]);
      return success('OK', {
        pages: Math.max(1, Math.ceil(total / limit)),
        page,
        total,
        limit,
        // Past the last page: the place after the last match.
        position: Math.min((page - 1) * limit, total) + 1,
        data: items.map((v) => toListedUser(v, achievements.get(v.id) ?? [], tags, bookmarks.get(v.id))),
      });
    },
  );

  scope.put(
    '/password/change',
    {
      preHandler: auth.user('account:write'),
      config: { seed003Fields: { currentPassword: 'oldPassword' } },
      schema: {
        summary: 'Update Current User Password',
        description: 'With the current password; every other session ends. Native: PUT /v1/me/password.',
        body: PasswordChangeBody,
        response: replies(202, Success(Empty, 'Password successfully changed')),
      },
    },
    async (request, reply) => {
      const { oldPassword, newPassword } = request.body;
      await roster.credentials.changePassword(
        principalOf(request),
        { currentPassword: oldPassword, newPassword },
        requestContext(request),
      );
      reply.code(202);
      return success('Password successfully changed', {});
    },
  );

  scope.post(
    '/logout',
    {
      preHandler: auth.user('sessions:write'),
      schema: {
        summary: 'End User Session',
        description: 'Ends this session (its refresh token too). Native: DELETE /v1/sessions/current.',
        response: replies(200, Success(Empty, 'OK')),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await roster.sessions.revokeSession(principal, principal.sessionId, requestContext(request));
      return success('OK', {});
    },
  );

  scope.post(
    '/delete-account',
    {
      preHandler: auth.user('account:write'),
      schema: {
        summary: 'Delete Current User Account',
        description: 'With the password: erases the account and ends every session. Native: DELETE /v1/me.',
        body: PasswordBody,
        response: replies(200, Success(Empty, 'success')),
      },
    },
    async (request) => {
      await roster.accounts.deleteAccount(
        principalOf(request),
        { password: request.body.password },
        requestContext(request),
      );
      return success('success', {});
    },
  );
}
