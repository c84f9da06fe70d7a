// The device cookie (OWASP, "Slow down online guessing attacks with device
// cookies"): after a correct password the reply carries a token that binds a
// random nonce to the account, signed with an HMAC key derived from
// ROSTER_SECRET. A sign-in presenting a valid token for the account it names
// is judged by that device's own failures, so a guesser elsewhere (or behind
// the same address) cannot lock the owner's own browser out. The signature
// also covers the account's current password hash (hashed again): a new
// password, by a change or a reset, retires every device token at once.
import { constantTimeEqual, hmacSha256, randomToken, sha256 } from '../../platform/crypto/tokens.ts';

export interface Device {
  readonly userId: string;
  /** Random, per device: keys the device's own failure count. */
  readonly nonce: string;
}

export interface DeviceTokens {
  /** A new device token for the account and its current password hash: `v1.<userId>.<nonce>.<mac>`. */
  issue(userId: string, passwordHash: string): string;
  /** The account a well-formed token names (not yet verified), or null. */
  claimedUser(token: string | null | undefined): string | null;
  /** The device a token names, or null when it is malformed, for another password or its signature is wrong. */
  verify(token: string | null | undefined, passwordHash: string): Device | null;
}

const VERSION = 'v1';
const MAX_LENGTH = 256;

export function createDeviceTokens(key: string): DeviceTokens {
  const mac = (userId: string, nonce: string, passwordHash: string) =>
    hmacSha256(
      key,
      `roster-device\u0000${VERSION}\u0000${userId}\u0000${nonce}\u0000${sha256(passwordHash)}`,
      'base64url',
    );
  function parse(token: string | null | undefined) {
    if (typeof token !== 'string' || token.length > MAX_LENGTH) return null;
    const [version, userId, nonce, signature, ...rest] = token.split('.');
    if (version !== VERSION || !userId || !nonce || !signature || rest.length > 0) return null;
    return { userId, nonce, signature };
  }
  return {
    issue(userId, passwordHash) {
      const nonce = randomToken(16);
      return `${VERSION}.${userId}.${nonce}.${mac(userId, nonce, passwordHash)}`;
    },
    claimedUser: (token) => parse(token)?.userId ?? null,
    verify(token, passwordHash) {
      const parts = parse(token);
      if (!parts) return null;
      const { userId, nonce, signature } = parts;
      return constantTimeEqual(signature, mac(userId, nonce, passwordHash)) ? { userId, nonce } : null;
    },
  };
}
