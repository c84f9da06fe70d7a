// Seed 001's four routes under /api/v1: each parses, calls one service and
// renames the owner's view. Reading needs `profile:read` (OAuth scope
// `delegated:profile:read`), every change `profile:write`
// (`delegated:profile:write`); a first-party session holds both.
import type { Static } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { principalOf } from '../../http/authenticate.ts';
import { requestContext } from '../../http/request-context.ts';
import type { VerificationRequest } from '../../modules/accounts/index.ts';
import type { ProfilePatch } from '../../modules/profiles/index.ts';
import { commonError } from '../../platform/errors.ts';
import type { SurfaceDeps } from '../surface.ts';
import { ChangePasswordRequest, Message, replies, UpdateProfileRequest } from './schemas.ts';
import { Profile, toProfile } from './views.ts';

const AUTH_NOTE =
  'Bearer: a native access token, or an OAuth access token from Roster’s provider with the scope named here.';

/** The seed's update as the native profile patch: absent keeps, null clears. */
function patchOf(body: Static<typeof UpdateProfileRequest>): ProfilePatch {
  const name = {
    ...(body.first_name !== undefined ? { first: body.first_name } : {}),
    ...(body.last_name !== undefined ? { last: body.last_name } : {}),
    ...(body.display_name !== undefined ? { display: body.display_name } : {}),
  };
  return {
    ...(Object.keys(name).length > 0 ? { name } : {}),
    ...(body.phone !== undefined ? { phone: body.phone } : {}),
    ...(body.locale !== undefined ? { locale: body.locale } : {}),
    ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
  };
}

const VERIFICATION_MESSAGES: Readonly<Record<Exclude<VerificationRequest, 'no_address'>, string>> = {
  sent: 'Verification email sent',
  already_verified: 'Email already verified',
};

export function seed001Routes(scope: App, deps: SurfaceDeps): void {
  const { roster, auth } = deps;

  scope.get(
    '/me',
    {
      preHandler: auth.user('profile:read'),
      schema: {
        summary: 'Get Profile',
        description: `Get current user's profile. Scope delegated:profile:read. ${AUTH_NOTE} Native: GET /v1/me.`,
        response: replies(Profile),
      },
    },
    async (request) => toProfile(await roster.profiles.ownView(principalOf(request).userId)),
  );

  scope.patch(
    '/me',
    {
      preHandler: auth.user('profile:write'),
      schema: {
        summary: 'Update Profile',
        description:
          'Update current user’s profile: absent fields stay, null clears, strings are trimmed (blank clears). ' +
          '`phone` is stored unverified and signs in only once an SMS code proves it; a verified number is ' +
          'not replaced or removed here (409). 422 names each bad field. Scope delegated:profile:write. ' +
          `${AUTH_NOTE} Native: PATCH /v1/me.`,
        body: UpdateProfileRequest,
        response: replies(Profile),
      },
    },
    async (request) =>
      toProfile(await roster.profiles.update(principalOf(request).userId, patchOf(request.body))),
  );

  scope.post(
    '/me/password',
    {
      preHandler: auth.user('profile:write'),
      schema: {
        summary: 'Change Password',
        description:
          'Change the current user’s password. A wrong current password is a 400; a new one outside the ' +
          'policy a 422 on `new_password`. Every other session ends and a notice is mailed. Scope ' +
          `delegated:profile:write. ${AUTH_NOTE} Native: PUT /v1/me/password.`,
        body: ChangePasswordRequest,
        response: replies(Message),
      },
    },
    async (request) => {
      const { current_password, new_password } = request.body;
      await roster.credentials.changePassword(
        principalOf(request),
        { currentPassword: current_password, newPassword: new_password },
        requestContext(request),
      );
      return { message: 'Password changed successfully' };
    },
  );

  scope.post(
    '/me/verify-email',
    {
      preHandler: auth.user('profile:write'),
      schema: {
        summary: 'Request Email Verification',
        description:
          'Request email verification (sends verification email with a code and a link). An address that is ' +
          'verified already gets no mail; an account without an address is a 409. One mail a minute ' +
          `(then 429). Scope delegated:profile:write. ${AUTH_NOTE} Native: POST /v1/me/email/verification.`,
        response: replies(Message),
      },
    },
    async (request) => {
      const outcome = await roster.accounts.requestVerification(principalOf(request).userId);
      if (outcome === 'no_address')
        throw commonError('conflict', { detail: 'The account has no email address to verify.' });
      return { message: VERIFICATION_MESSAGES[outcome] };
    },
  );
}
