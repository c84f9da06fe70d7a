// Normalising what people type. An email address is taken only when a mailer
// delivers to it exactly as stored, and two spellings of one mailbox are one
// account; usernames are lower-cased.
import { domainToASCII } from 'node:url';
import { type CountryCode, parsePhoneNumberWithError } from 'libphonenumber-js';
import { commonError } from '../../platform/errors.ts';

// RFC 5322 atext: ASCII letters, digits and these. A local part is a dot-atom
// of it. Quoted local parts are refused, and so is anything non-ASCII before
// the @ (RFC 6531 needs SMTPUTF8 at every hop, and nodemailer would then
// rewrite the domain back to Unicode): every accepted address is plain ASCII
// that nodemailer, and any relay, reads exactly as we stored it.
const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;
const LOCAL_MAX = 64; // RFC 5321 4.5.3.1.1
const DOMAIN_MAX = 253; // RFC 1035, without the root's dot
const ADDRESS_MAX = 254; // RFC 5321 path limit minus the angle brackets
// What a domain may be typed with before IDNA: letters, marks, digits, hyphens
// and dots. IDNA itself would also drop invisible characters and decode `%41`,
// which is not how any mailer reads a domain: such input is refused instead.
const DOMAIN_INPUT = /^[\p{L}\p{M}\p{N}.-]+$/u;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The ASCII domain (punycode), lower-cased, without a trailing dot; null when it is no host name. */
function mailDomain(typed: string): string | null {
  const domain = typed.endsWith('.') ? typed.slice(0, -1) : typed;
  if (!DOMAIN_INPUT.test(domain)) return null;
  const ascii = domainToASCII(domain);
  if (ascii === '' || ascii.length > DOMAIN_MAX) return null;
  const labels = ascii.split('.');
  // At least a name and a top-level domain; an all-digit TLD is an IP address.
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  return /^[0-9]+$/.test(labels.at(-1)!) ? null : ascii;
}

/**
 * The mailbox an address names, in the one spelling we store
 * (`Ada@Bücher.Example.` -> `ada@xn--bcher-kva.example`), or null when it is
 * not a plain addr-spec: comments, display names, angle brackets, groups,
 * quoted or non-ASCII local parts, IP literals and dotless domains are refused.
 */
export function parseEmail(input: string): string | null {
  const address = input.trim().normalize('NFC');
  const at = address.lastIndexOf('@');
  if (at <= 0) return null;
  const local = address.slice(0, at);
  if (local.length > LOCAL_MAX || !DOT_ATOM.test(local)) return null;
  const domain = mailDomain(address.slice(at + 1));
  if (domain === null) return null;
  // Local parts are case-sensitive on paper and case-blind in every mailbox
  // people use: one spelling per mailbox, so one account per mailbox.
  const mailbox = `${local.toLowerCase()}@${domain}`;
  return mailbox.length > ADDRESS_MAX ? null : mailbox;
}

export const EMAIL_MESSAGE = 'must be a plain address like name@example.com (no names, comments or brackets)';

/** parseEmail, or a 422 on `email` for services that take an address as typed. */
export function normaliseEmail(email: string): string {
  const mailbox = parseEmail(email);
  if (mailbox === null) {
    throw commonError('validation_failed', {
      detail: 'The email address is not one we can deliver to; see errors.',
      errors: [{ path: 'email', message: EMAIL_MESSAGE }],
    });
  }
  return mailbox;
}

export const USERNAME_PATTERN = /^[a-z0-9_]{3,30}$/;
export const normaliseUsername = (username: string): string => username.trim().toLowerCase();

/**
 * E.164 (`+4915112345678`) or null when the number is not valid. Spaces,
 * dashes and brackets are fine; a number without a country code is read in
 * `defaultRegion` (ROSTER_PHONE_DEFAULT_REGION) when one is set.
 */
export function normalisePhone(phone: string, defaultRegion?: CountryCode | null): string | null {
  try {
    const parsed = parsePhoneNumberWithError(
      phone.trim(),
      defaultRegion ? { defaultCountry: defaultRegion } : undefined,
    );
    return parsed.isValid() ? parsed.number : null;
  } catch {
    return null;
  }
}

/**
 * Login identifiers: an email when it has an @, a username otherwise. An @
 * that is no mailbox (`boss:eve@evil.example`) names no account, and sign-in
 * answers it as it answers an unknown one: `invalid` keeps the text as typed
 * for the per-identifier lockout key, and matches no row as a username could
 * not either (usernames never hold an @).
 */
export function parseIdentifier(identifier: string): {
  kind: 'email' | 'username' | 'invalid';
  value: string;
} {
  const value = identifier.trim().toLowerCase();
  if (!value.includes('@')) return { kind: 'username', value };
  const mailbox = parseEmail(identifier);
  return mailbox === null ? { kind: 'invalid', value } : { kind: 'email', value: mailbox };
}
