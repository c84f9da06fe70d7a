// Seed 002's cookies. The cookie session of POST /user/login: the hosted pages' `roster_session`,
// set exactly as they set it (HttpOnly, SameSite=Lax, on `/`, Secure when
// PUBLIC_URL is https outside development, for the session's whole life), so
// the OpenID provider's authorization requests reuse it without a sign-in page.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { VERIFY_CODE_MINUTES } from '../../modules/accounts/index.ts';
import { RESET_MINUTES } from '../../modules/credentials/index.ts';
import type { SurfaceDeps } from '../surface.ts';

const optionsOf = (config: SurfaceDeps['config'], path: string) => ({
  path,
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: config.env !== 'development' && config.publicUrl.startsWith('https://'),
});

export function cookieSession(deps: SurfaceDeps) {
  const { browser } = deps.roster;
  const { config } = deps;
  const options = optionsOf(config, '/');
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

/** A cookie this surface keeps for one of its own later calls: HttpOnly, sent only to /user. */
function userPathCookie(deps: SurfaceDeps, name: string, maxAgeSeconds: number) {
  const options = optionsOf(deps.config, '/user');
  return {
    set(reply: FastifyReply, value: string): void {
      reply.setCookie(name, value, { ...options, maxAge: maxAgeSeconds });
    },
    read: (request: FastifyRequest): string | undefined => request.cookies?.[name],
    clear(reply: FastifyReply): void {
      reply.clearCookie(name, options);
    },
  };
}

/**
 * What POST /user/create answered its client, kept for POST /user/verify-email
 * (the domain's sign-up proof): with it the verification keeps the password
 * chosen at sign-up, and the 6-digit code may come without the address. Kept
 * for as long as the mail's code works.
 */
export const SIGNUP_COOKIE = 'roster_signup';
export const signupCookie = (deps: SurfaceDeps) =>
  userPathCookie(deps, SIGNUP_COOKIE, VERIFY_CODE_MINUTES * 60);

/**
 * The address GET /user/code was asked for, kept for POST /user/reset-password
 * so the 6-digit code may come without it, as the document's client sends
 * it. The client typed the address itself: the cookie stands for the body's
 * `email`, and proves nothing more. Kept while a code lives.
 */
export const RESET_COOKIE = 'roster_reset';
export const resetCookie = (deps: SurfaceDeps) => userPathCookie(deps, RESET_COOKIE, RESET_MINUTES * 60);
