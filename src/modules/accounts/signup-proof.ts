// The proof that a verification comes from the client that signed up. The
// mailed code and link prove the mailbox, not the password chosen at sign-up
// (someone else may have signed up with the address: pre-hijacking), so a
// verification keeps that password only with a proof of it: the password
// itself, or this value, which the sign-up answered to its own client (a
// face keeps it in a cookie). It names the account the sign-up made and an
// HMAC of it under a key derived from ROSTER_SECRET; it is worth nothing
// without the code from the mailbox, which the squatter of an address never
// sees. Older secrets still verify; the newest signs.
import { constantTimeEqual, hmacSha256 } from '../../platform/crypto/tokens.ts';

const SHAPE = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/;

export function createSignupProof(keys: readonly string[]) {
  const mac = (key: string, userId: string) => hmacSha256(key, `signup:${userId}`, 'base64url');
  return {
    /** The proof of the sign-up that made this account. */
    of: (userId: string): string => `${userId}.${mac(keys[0]!, userId)}`,
    /** The account whose sign-up `value` proves, when its MAC is right; null otherwise. */
    userOf(value: string | undefined): string | null {
      const match = value ? SHAPE.exec(value) : null;
      if (!match) return null;
      const [, userId, tag] = match;
      return keys.some((key) => constantTimeEqual(mac(key, userId!), tag!)) ? userId! : null;
    },
  };
}

export type SignupProof = ReturnType<typeof createSignupProof>;
