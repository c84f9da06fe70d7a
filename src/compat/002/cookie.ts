// The cookie session of POST /user/login: the hosted pages' `roster_session`,
// set exactly as they set it (HttpOnly, SameSite=Lax, on `/`, Secure when
// PUBLIC_URL is https outside development, for the session's whole life), so
// the OpenID provider's authorization requests reuse it without a sign-in page.
import type { FastifyReply } from 'fastify';
import type { SurfaceDeps } from '../surface.ts';

export function cookieSession(deps: SurfaceDeps) {
  const { browser } = deps.roster;
  const { config } = deps;
  const options = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.env !== 'development' && config.publicUrl.startsWith('https://'),
  };
  return {
    set(reply: FastifyReply, sessionId: string): void {
      reply.setCookie(browser.cookieName, browser.valueFor(sessionId), {
        ...options,
        maxAge: config.sessionAbsoluteTtlSeconds,
      });
    },
    clear(reply: FastifyReply): void {
      reply.clearCookie(browser.cookieName, options);
    },
  };
}
