// The browser's session cookie (the hosted pages, the OpenID provider's
// sign-in): the id of a first-party session and an HMAC of it under a key
// derived from ROSTER_SECRET. It carries no token and holds no state of its
// own: it is good exactly while its session is live, so every way a session
// ends (signing out, everywhere, a password reset, a ban, erasure) ends it
// too, on every node. Older secrets still verify (a rotation keeps browsers
// signed in); the newest signs.
import { constantTimeEqual, hmacSha256 } from '../../platform/crypto/tokens.ts';

export const BROWSER_COOKIE = 'roster_session';
const SHAPE = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

export function createBrowserCookie(keys: readonly string[]) {
  const mac = (key: string, sessionId: string) =>
    hmacSha256(key, `browser-session:${sessionId}`, 'base64url');
  return {
    /** The cookie's value for a session. */
    valueFor: (sessionId: string): string => `${sessionId}.${mac(keys[0]!, sessionId)}`,
    /** The session id a cookie value names, when its MAC is right; null otherwise. */
    sessionOf(value: string | undefined): string | null {
      const match = value ? SHAPE.exec(value) : null;
      if (!match) return null;
      const [, sessionId, tag] = match;
      return keys.some((key) => constantTimeEqual(mac(key, sessionId!), tag!)) ? sessionId! : null;
    },
  };
}

export type BrowserCookie = ReturnType<typeof createBrowserCookie>;
