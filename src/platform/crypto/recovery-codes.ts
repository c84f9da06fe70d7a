// One-time recovery codes, the fallback when the authenticator is lost. They
// are shown once, written down or printed, and typed back by hand, so they use
// an alphabet without look-alikes and are stored only as keyed hashes.
//
// Format: 12 characters in groups of four, `XXXX-XXXX-XXXX`. The alphabet has
// 31 symbols (2-9 and A-Z without I, L and O), so ten characters would give
// only 10·log2(31) ≈ 49.5 bits; twelve give ≈ 59.4 bits, which with the
// per-account attempt limits leaves online guessing hopeless.
import { randomInt } from 'node:crypto';
import { hmacSha256 } from './tokens.ts';

// No 0/O, 1/I/L: the pairs people misread on paper and in most fonts.
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const GROUPS = 3;
const GROUP_LENGTH = 4;
const MAX_COUNT = 100; // far above any sane set; a typo like 1e6 should fail loudly

/** Bits of entropy in one code (≈ 59.4). */
export const RECOVERY_CODE_BITS = GROUPS * GROUP_LENGTH * Math.log2(ALPHABET.length);

/** `count` distinct codes like `7KQM-R2XD-HWN9`, uniformly random. */
export function generateRecoveryCodes(count = 10): string[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT)
    throw new RangeError(`generateRecoveryCodes: count must be an integer from 1 to ${MAX_COUNT}`);
  // A repeat is astronomically unlikely, but two equal codes would share one
  // hash row and silently leave the user one code short.
  const codes = new Set<string>();
  while (codes.size < count) codes.add(randomCode());
  return [...codes];
}

function randomCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    let group = '';
    // randomInt rejects biased samples, unlike `byte % 31`.
    for (let i = 0; i < GROUP_LENGTH; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/**
 * The canonical form that is hashed: NFKC (full-width characters from some
 * keyboards become ASCII), upper-case, without whitespace or dashes of any
 * kind (people type spaces, phones turn `-` into `–`). Look-alikes are not
 * mapped: 0, O, 1, I and L never occur, so typing one is simply wrong.
 */
export function normaliseRecoveryCode(input: string): string {
  return input
    .normalize('NFKC')
    .replace(/[\s\p{Pd}\u2212]/gu, '')
    .toUpperCase();
}

/**
 * HMAC-SHA-256 (hex) of the normalised code under a server key. Codes have
 * far less entropy than tokens, so a plain hash of a leaked table could be
 * brute-forced offline; without the key (kept out of the database) it cannot.
 * Pass a key dedicated to this purpose, e.g. derived from the master secret.
 */
export function hashRecoveryCode(code: string, key: string | Uint8Array): string {
  if (key.length === 0) throw new RangeError('hashRecoveryCode: key must not be empty');
  return hmacSha256(key, normaliseRecoveryCode(code));
}
