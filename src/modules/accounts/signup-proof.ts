// The proof that a verification comes from the client that signed up. The
// mailed code and link prove the mailbox, not the password chosen at sign-up
// (someone else may have signed up with the address: pre-hijacking), so a
// verification keeps that password only with a proof of it: the password
// itself, or this value, which the sign-up answered to its own client (a
// face keeps it in a cookie).
//
// It names the account the sign-up made, the address it was made for (so a
// code sent alone is checked against that address, for a taken address as
// for a new one: the reply tells nothing) and when, under an HMAC with a key
// derived from ROSTER_SECRET. It is worth nothing without the code from the
// mailbox, and only while a code lives (VERIFY_CODE_MINUTES): a squatter who
// planted their proof in the address owner's browser would have to see the
// owner verify within minutes of the squatter's own sign-up. Older secrets
// still verify; the newest signs.
import { constantTimeEqual, hmacSha256 } from '../../platform/crypto/tokens.ts';

const SHAPE = /^([0-9a-f-]{36})\.([0-9]{1,12})\.([A-Za-z0-9_-]{1,500})\.([A-Za-z0-9_-]{43})$/;

export interface SignedUp {
  readonly userId: string;
  readonly email: string;
}

export function createSignupProof(keys: readonly string[], lifetimeSeconds: number) {
  const mac = (key: string, body: string) => hmacSha256(key, `signup:${body}`, 'base64url');
  return {
    /** The proof of the sign-up that made this account for this address, at `now`. */
    of(userId: string, email: string, now: Date): string {
      const body = `${userId}.${Math.floor(now.getTime() / 1000)}.${Buffer.from(email).toString('base64url')}`;
      return `${body}.${mac(keys[0]!, body)}`;
    },
    /** The sign-up `value` proves, when its MAC is right and it is recent; null otherwise. */
    signedUp(value: string | undefined, now: Date): SignedUp | null {
      const match = value ? SHAPE.exec(value) : null;
      if (!match) return null;
      const [, userId, issued, email, tag] = match;
      const body = `${userId}.${issued}.${email}`;
      if (!keys.some((key) => constantTimeEqual(mac(key, body), tag!))) return null;
      const age = now.getTime() / 1000 - Number(issued);
      if (age < 0 || age > lifetimeSeconds) return null;
      return { userId: userId!, email: Buffer.from(email!, 'base64url').toString('utf8') };
    },
  };
}

export type SignupProof = ReturnType<typeof createSignupProof>;
