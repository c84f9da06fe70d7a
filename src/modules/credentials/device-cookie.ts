// The device cookie on the wire (device-token.ts says what it proves):
// `roster_device`, HttpOnly, SameSite=Lax, Secure outside development (the
// defaults @fastify/cookie is registered with in app.ts), sent only to the
// sign-in path that set it (the API's, or the hosted pages'), kept a year. Browsers return it by themselves; other clients
// return it as any cookie, in a `Cookie: roster_device=…` header. The cookie
// is the only way in: no second header to document or to leak into logs.
import type { FastifyReply, FastifyRequest } from 'fastify';

export const DEVICE_COOKIE = 'roster_device';
const DEVICE_COOKIE_MAX_AGE = 365 * 24 * 60 * 60; // 1 year, in seconds

/** The device token the request presents, if any (verified by the credentials service). */
export function deviceTokenOf(request: FastifyRequest): string | null {
  return request.cookies?.[DEVICE_COOKIE] ?? null;
}

/** Sets (or renews) the device cookie after a correct password, for the sign-in path at `path`. */
export function rememberDevice(reply: FastifyReply, token: string | null, path = '/v1/sessions'): void {
  if (token === null) return;
  reply.setCookie(DEVICE_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    path,
    maxAge: DEVICE_COOKIE_MAX_AGE,
  });
}
