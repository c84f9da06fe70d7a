// Small primitives for secrets that are not passwords: opaque tokens, their
// stored digests, HMACs, one-time digit codes and the comparison of all these.
// Everything here is synchronous and cheap; password hashing lives in
// password-hasher.ts because it is deliberately slow.
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export type DigestEncoding = 'hex' | 'base64url';

/**
 * An unguessable opaque token (refresh tokens, links in mails, API keys).
 * 32 bytes = 256 bits of entropy, 43 base64url characters, safe in URLs.
 */
export function randomToken(bytes = 32): string {
  // Fewer than 16 bytes (128 bits) would be guessable at scale.
  if (!Number.isInteger(bytes) || bytes < 16)
    throw new RangeError('randomToken: bytes must be an integer ≥ 16');
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 of a UTF-8 string; hex by default (64 characters). Tokens are high-
 * entropy, so a fast unsalted hash is enough to store them: a database leak
 * then yields nothing that can be replayed, and lookups stay one indexed query.
 */
export function sha256(text: string, encoding: DigestEncoding = 'hex'): string {
  return createHash('sha256').update(text, 'utf8').digest(encoding);
}

/** HMAC-SHA-256 of `data` under `key`; hex by default. */
export function hmacSha256(key: string | Uint8Array, data: string, encoding: DigestEncoding = 'hex'): string {
  return createHmac('sha256', key).update(data, 'utf8').digest(encoding);
}

/**
 * Compares two strings without leaking through timing where they differ, even
 * when their lengths differ (timingSafeEqual alone throws on unequal lengths,
 * and an early length check would leak the length of the secret). Both sides
 * are reduced to fixed-size digests first; equal digests mean equal strings.
 * UTF-16 code units are hashed, not UTF-8, so distinct strings with lone
 * surrogates (which UTF-8 encoding would collapse to U+FFFD) stay distinct.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const digestA = createHash('sha256').update(a, 'utf16le').digest();
  const digestB = createHash('sha256').update(b, 'utf16le').digest();
  return timingSafeEqual(digestA, digestB);
}

/**
 * `length` decimal digits, each uniform in 0-9 (randomInt rejects biased
 * samples, unlike `byte % 10`); leading zeros kept, for one-time codes.
 */
export function randomDigits(length: number): string {
  if (!Number.isInteger(length) || length < 1)
    throw new RangeError('randomDigits: length must be an integer ≥ 1');
  let digits = '';
  for (let i = 0; i < length; i++) digits += randomInt(10).toString();
  return digits;
}
