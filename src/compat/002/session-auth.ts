// Who calls a signed-in route of seed 002: a bearer token (the native access
// token, or an OAuth access token whose scope covers the route's seed scope),
// else the cookie session POST /user/login opened (`roster_session`, the
// hosted pages' own). The cookie stands for a first-party session, so it
// grants what that session's token would; it is good exactly while the
// session is live. It is refused on a cross-site request (Sec-Fetch-Site),
// on top of SameSite=Lax, so another site cannot spend it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthPreHandler } from '../../http/authenticate.ts';
import { FIRST_PARTY_SCOPE, type Permission, policy } from '../../platform/auth/policy.ts';
import { userPrincipal } from '../../platform/auth/principal.ts';
import { commonError } from '../../platform/errors.ts';
import type { SurfaceDeps } from '../surface.ts';

/** How a signed-in route of the surface is called: for its OpenAPI description. */
export const AUTH_NOTE =
  'The cookie session of POST /user/login, or a bearer token (native, or an OAuth token with the scope named).';

/**
 * `cookieFirst`: the cookie session decides even when a bearer token comes
 * along (POST /user/logout ends the browser's session, whatever token the
 * app also holds).
 */
export function signedIn(
  deps: SurfaceDeps,
  permission: Permission,
  options: { cookieFirst?: boolean } = {},
): AuthPreHandler {
  const { roster } = deps;
  const bearer = deps.auth.user(permission);
  const roleOf = async (userId: string) => (await roster.accounts.getUser(userId)).role;

  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const value = request.cookies?.[roster.browser.cookieName];
    const hasBearer =
      request.headers.authorization !== undefined || request.headers['x-api-key'] !== undefined;
    if (value === undefined || (hasBearer && !options.cookieFirst)) return bearer(request, reply);
    if (request.headers['sec-fetch-site'] === 'cross-site')
      throw commonError('forbidden', { detail: 'The session cookie is not accepted from another site.' });
    const live = await roster.browser.signedIn(value);
    // A dead cookie beside a bearer token: the token decides.
    if (!live && hasBearer) return bearer(request, reply);
    if (!live) {
      reply.header('www-authenticate', 'Bearer');
      throw commonError('unauthenticated', {
        detail: 'The session has ended: sign in again (POST /user/login).',
      });
    }
    const principal = userPrincipal({
      userId: live.userId,
      sessionId: live.sessionId,
      scope: FIRST_PARTY_SCOPE,
      authTime: live.authTime,
      amr: live.amr,
    });
    request.principal = (await policy.authorize(principal, permission, roleOf)) as typeof principal;
  }
  // The bearer handler's declaration comes along, so OpenAPI derives the route's security from it.
  return Object.assign(authenticate, bearer);
}
