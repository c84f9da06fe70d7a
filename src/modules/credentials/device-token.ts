// The device cookie (OWASP, "Slow down online guessing attacks with device
// cookies"): after a correct password the reply carries a token that binds a
// random nonce to the account, signed with an HMAC key derived from
// ROSTER_SECRET. A sign-in presenting a valid token for the account it names
// is judged by that device's own failures, so a guesser elsewhere (or behind
// the same address) cannot lock the owner's own browser out.
import { constantTimeEqual, hmacSha256, randomToken } from '../../platform/crypto/tokens.ts';

export interface Device {
  readonly userId: string;
  /** Random, per device: keys the device's own failure count. */
  readonly nonce: string;
}

export interface DeviceTokens {
  /** A new device token for the account: `v1.<userId>.<nonce>.<mac>`. */
  issue(userId: string): string;
  /** The device a token names, or null when it is malformed or its signature is wrong. */
  verify(token: string | null | undefined): Device | null;
}

const VERSION = 'v1';
const MAX_LENGTH = 256;

export function createDeviceTokens(key: string): DeviceTokens {
  const mac = (userId: string, nonce: string) =>
    hmacSha256(key, `roster-device\u0000${VERSION}\u0000${userId}\u0000${nonce}`, 'base64url');
  return {
    issue(userId) {
      const nonce = randomToken(16);
      return `${VERSION}.${userId}.${nonce}.${mac(userId, nonce)}`;
    },
    verify(token) {
      if (typeof token !== 'string' || token.length > MAX_LENGTH) return null;
      const [version, userId, nonce, signature, ...rest] = token.split('.');
      if (version !== VERSION || !userId || !nonce || !signature || rest.length > 0) return null;
      return constantTimeEqual(signature, mac(userId, nonce)) ? { userId, nonce } : null;
    },
  };
}
