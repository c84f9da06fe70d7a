// Seed 002's profile routes: GET and PATCH /user/me, GET /user/:userId and
// POST /user/private. Each maps onto the profiles service: the owner's view,
// the user's own edit (ROSTER_PROFILE_EDITABLE_FIELDS decides there) and the
// public view of another user. The seed's fields that this edit cannot change
// (email, password, role) pass only as they already are, checked before
// anything is written, so a refused request changes nothing.
import type { FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { principalOf, viewerOf } from '../../http/authenticate.ts';
import { requestContext } from '../../http/request-context.ts';
import type { ProfilePatch } from '../../modules/profiles/index.ts';
import { policy } from '../../platform/auth/policy.ts';
import { DomainError } from '../../platform/domain-error.ts';
import { commonError } from '../../platform/errors.ts';
import type { SurfaceDeps } from '../surface.ts';
import { OK, Ok, replies, withData } from './envelope.ts';
import { PrivateBody, UpdateMeBody, UserIdParams, UserReply } from './profile-schemas.ts';
import { AUTH_NOTE, signedIn } from './session-auth.ts';
import { toOtherUser, toSeedUser } from './views.ts';

type UpdateMe = Static<typeof UpdateMeBody>;

/** The seed's number: its calling code, then the number; the number alone; '' removes it. */
function phoneOf(body: UpdateMe): string | undefined {
  if (body.phone === undefined) return undefined;
  if (body.phoneCountryCode === undefined || body.phone.trim() === '') return body.phone;
  return `+${body.phoneCountryCode.replace(/^\+/, '')}${body.phone.trim().replace(/^\+/, '')}`;
}

/** The seed's edit as the native profile patch: absent keeps. */
function patchOf(body: UpdateMe): ProfilePatch {
  const name = {
    ...(body.firstName !== undefined ? { first: body.firstName } : {}),
    ...(body.lastName !== undefined ? { last: body.lastName } : {}),
  };
  const phone = phoneOf(body);
  return {
    ...(body.username !== undefined ? { username: body.username } : {}),
    ...(Object.keys(name).length > 0 ? { name } : {}),
    ...(phone !== undefined ? { phone } : {}),
  };
}

export function profileRoutes(scope: App, deps: SurfaceDeps): void {
  const { roster } = deps;
  const { profiles, accounts, credentials } = roster;
  const roleOf = async (userId: string) => (await accounts.getUser(userId)).role;

  /** Whether the credential and the role grant staff reads (users:read): an admin's own session does. */
  async function isStaff(request: FastifyRequest): Promise<boolean> {
    try {
      await policy.authorize(principalOf(request), 'users:read', roleOf);
      return true;
    } catch (error) {
      if (error instanceof DomainError) return false;
      throw error;
    }
  }

  scope.get(
    '/me',
    {
      preHandler: signedIn(deps, 'profile:read'),
      schema: {
        summary: 'Get Current User Details',
        description: `The signed-in user’s object. Scope delegated:profile:read. ${AUTH_NOTE} Native: GET /v1/me.`,
        response: replies(UserReply),
      },
    },
    async (request) => withData({ user: [toSeedUser(await profiles.ownView(principalOf(request).userId))] }),
  );

  scope.patch(
    '/me',
    {
      preHandler: signedIn(deps, 'profile:write'),
      schema: {
        summary: 'Update User Info',
        description:
          'Changes the signed-in user’s username, firstName, lastName and phone (phoneCountryCode + phone; ' +
          'stored unverified, empty removes it). Only the fields ROSTER_PROFILE_EDITABLE_FIELDS allows ' +
          '(403 field_not_editable naming the others). `email`, `password` and `role` are accepted only as ' +
          'they are (the account’s address, its current password, its role): each changes by its own flow. ' +
          '`target` naming another user is a staff edit (admin:profile:write and the admin role): every ' +
          'field, whatever ROSTER_PROFILE_EDITABLE_FIELDS says, audited; a `password` with it is refused. Scope ' +
          `delegated:profile:write. ${AUTH_NOTE} Native: PATCH /v1/me.`,
        body: UpdateMeBody,
        response: replies(Ok),
      },
    },
    async (request) => {
      const { body } = request;
      const principal = principalOf(request);
      const target = body.target?.trim();
      const other = target !== undefined && target !== principal.userId;
      const subjectId = other ? target : principal.userId;
      // Staff first: nobody else learns whether the target exists.
      if (other) await policy.authorize(principal, 'admin:profile:write', roleOf);
      if (other && body.password !== undefined)
        throw commonError('forbidden', {
          detail: 'Another user’s password is not set here: they reset it themselves (GET /user/code).',
          errors: [{ path: 'password', message: 'cannot be given with a target' }],
        });
      const subject = await accounts.getUser(subjectId);
      if (body.role !== undefined && body.role !== subject.role)
        throw commonError('forbidden', {
          detail: 'A role is set by staff with PATCH /v1/admin/users/{id}/standing, not by this request.',
          errors: [{ path: 'role', message: 'cannot be changed with this request' }],
        });
      if (body.email !== undefined) await profiles.confirmSameEmail(subjectId, body.email);
      if (!other && body.password !== undefined)
        await credentials.confirmPassword(principal, body.password, requestContext(request));
      const patch = patchOf(body);
      if (Object.keys(patch).length === 0) return OK;
      if (other) await profiles.staffUpdate(principal, subjectId, patch, requestContext(request));
      else await profiles.update(principal.userId, patch);
      return OK;
    },
  );

  scope.post(
    '/private',
    {
      preHandler: signedIn(deps, 'profile:write'),
      schema: {
        summary: 'Switch to Private Account',
        description:
          'Makes the account private (`state: true`: follows need approval) or public (pending requests ' +
          'are accepted). ROSTER_PROFILE_EDITABLE_FIELDS must allow `isPrivate`. Scope ' +
          `delegated:profile:write. ${AUTH_NOTE} Native: PATCH /v1/me {"isPrivate"}.`,
        body: PrivateBody,
        response: replies(Ok),
      },
    },
    async (request) => {
      await profiles.update(principalOf(request).userId, { isPrivate: request.body.state });
      return OK;
    },
  );

  scope.get(
    '/:userId',
    {
      preHandler: signedIn(deps, 'profile:read'),
      schema: {
        summary: 'Get User Details by ID',
        description:
          'Another user’s object from their public view: every key, `email` and `phone` null, ' +
          '`verifiedDate` null; staff (users:read and the admin role) get the contact data. An unknown id, an account not listed and a user hidden by a block either ' +
          'way are the same 404. Your own id answers your own object. Scope delegated:profile:read. ' +
          `${AUTH_NOTE} Native: GET /v1/users/{id}.`,
        params: UserIdParams,
        response: replies(UserReply),
      },
    },
    async (request) => {
      const { userId } = request.params;
      const principal = principalOf(request);
      if (userId === principal.userId)
        return withData({ user: [toSeedUser(await profiles.ownView(userId))] });
      // The public view decides who is shown (its 404s); staff then see the account's contact data.
      const shown = await profiles.publicView(userId, viewerOf(request));
      if (await isStaff(request)) return withData({ user: [toSeedUser(await profiles.adminView(userId))] });
      return withData({ user: [toOtherUser(shown)] });
    },
  );
}
