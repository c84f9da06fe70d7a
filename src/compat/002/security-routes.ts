// Seed 002's routes of a signed-in user that the document names without a
// path: enable 2FA, logout and logout all. Their paths follow the document's
// own (`/user/do-2fa`, `/user/verify-email`): POST /user/enable-2fa,
// POST /user/logout, POST /user/logout-all (docs/compat/002.md). Each takes
// the cookie session or a bearer token (session-auth.ts).
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { bearerTokenOf, principalOf } from '../../http/authenticate.ts';
import { requestContext } from '../../http/request-context.ts';
import type { SurfaceDeps } from '../surface.ts';
import { codeText } from './body.ts';
import { cookieSession } from './cookie.ts';
import { OK, Ok, replies, withData } from './envelope.ts';
import { Enable2faBody } from './schemas.ts';
import { AUTH_NOTE, signedIn } from './session-auth.ts';
import { Enabled } from './session-schemas.ts';

export function securityRoutes(scope: App, deps: SurfaceDeps): void {
  const { mfa, sessions } = deps.roster;
  const cookie = cookieSession(deps);

  scope.post(
    '/enable-2fa',
    {
      preHandler: signedIn(deps, 'mfa:write'),
      schema: {
        summary: 'Enable 2FA',
        description:
          'Path chosen by Roster (the document gives none). Email codes as the second factor, in two calls: ' +
          'without `code` it mails a code (answer `{"ok": 1}`); with that `code` it turns them on and answers ' +
          'the recovery codes, once. The second call needs a sign-in within ROSTER_REAUTH_MAX_AGE (403 ' +
          `otherwise: sign in again). First-party sessions only. ${AUTH_NOTE} ` +
          'Native: POST /v1/me/mfa/email, POST /v1/me/mfa/email/activate.',
        body: Enable2faBody,
        // Enabled first: a reply with `data` must not be read as the bare `{"ok": 1}`.
        response: replies(Type.Union([Enabled, Ok])),
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { code } = request.body;
      if (code === undefined) {
        await mfa.initiate(principal.userId, 'email');
        return OK;
      }
      const input = { code: codeText(code), reauth: { kind: 'recent-sign-in' as const } };
      return withData({
        recoveryCodes: await mfa.activateEmail(principal, input, requestContext(request)),
      });
    },
  );

  scope.post(
    '/logout',
    {
      preHandler: signedIn(deps, 'sessions:write', { cookieFirst: true }),
      schema: {
        summary: 'Logout',
        description:
          'Path chosen by Roster (the document gives none). Ends this session and clears the cookie: the ' +
          'cookie’s when it is live, and a live bearer token’s beside it too; else the token’s with its ' +
          `refresh token. ${AUTH_NOTE} Native: DELETE /v1/sessions/current.`,
        response: replies(Ok),
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const context = requestContext(request);
      await sessions.revokeSession(principal, principal.sessionId, context);
      // A live bearer token beside the cookie ends too: a logout leaves no credential it was sent with.
      const token = bearerTokenOf(request);
      const other = token ? await sessions.authenticate(token).catch(() => null) : null;
      if (other && other.sessionId !== principal.sessionId)
        await sessions.revokeSession(other, other.sessionId, context);
      cookie.clear(reply);
      return OK;
    },
  );

  scope.post(
    '/logout-all',
    {
      preHandler: signedIn(deps, 'sessions:write'),
      schema: {
        summary: 'Logout All',
        description:
          'Path chosen by Roster (the document gives none). Ends every session of the user and invalidates ' +
          'every access and refresh token, OAuth grants included; clears the cookie. ' +
          `${AUTH_NOTE} Native: DELETE /v1/sessions.`,
        response: replies(Ok),
      },
    },
    async (request, reply) => {
      await sessions.revokeAllSessions(principalOf(request).userId, requestContext(request));
      cookie.clear(reply);
      return OK;
    },
  );
}
