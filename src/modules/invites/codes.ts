// Codes people read aloud and type: Crockford base32 (no I, L, O or U), shown
// in groups of five, read back case-insensitively with I/L as 1 and O as 0.
import { randomInt } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `length` random symbols: 5 bits each (an invite's 10 carry 50 bits). */
export function newCode(length: number): string {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** What a person typed, as stored: upper case, without spaces or dashes; null when it cannot be a code. */
export function normaliseCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  return /^[0-9A-HJKMNP-TV-Z]{4,32}$/.test(code) ? code : null;
}

/** `ABCDE-FGHJK`: easier to read out. */
export const displayCode = (code: string): string => code.match(/.{1,5}/g)!.join('-');
