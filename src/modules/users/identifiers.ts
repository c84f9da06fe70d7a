// Normalising what people type. An email address is taken only when a mailer
// delivers to it exactly as stored, and two spellings of one mailbox are one
// account; usernames are lower-cased.
import { type CountryCode, parsePhoneNumberWithError } from 'libphonenumber-js';
import { commonError } from '../../platform/errors.ts';
import { ADDRESS_MAX, parseEmail } from '../../platform/mailer/address.ts';

export { parseEmail };

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

// The rules as data, so the route schemas (a cheap first filter at the edge)
// are built from the same numbers the services enforce.
export const USERNAME_MIN = 3;
export const USERNAME_MAX = 30;
export const USERNAME_PATTERN = new RegExp(`^[a-z0-9_]{${USERNAME_MIN},${USERNAME_MAX}}$`);
/** What a schema accepts as typed: either case, surrounding spaces (trimmed by the service). */
export const USERNAME_INPUT_PATTERN = `^\\s*[A-Za-z0-9_]{${USERNAME_MIN},${USERNAME_MAX}}\\s*$`;
export const USERNAME_DESCRIPTION = `${USERNAME_MIN}–${USERNAME_MAX} of a–z, 0–9, _ (case-insensitive)`;
export const USERNAME_MESSAGE = `must be ${USERNAME_MIN}–${USERNAME_MAX} of a–z, 0–9 and _`;
export const normaliseUsername = (username: string): string => username.trim().toLowerCase();

/** normaliseUsername, or a 422 on `username` for services that take a name as typed. */
export function parseUsername(input: string): string {
  const username = normaliseUsername(input);
  if (!USERNAME_PATTERN.test(username))
    throw commonError('validation_failed', {
      detail: 'Some fields are invalid; see errors.',
      errors: [{ path: 'username', message: USERNAME_MESSAGE }],
    });
  return username;
}

export { ADDRESS_MAX as EMAIL_MAX_LENGTH };
/** A loose first filter for schemas (one @, a dot after it, no spaces or controls); parseEmail decides. */
export const EMAIL_INPUT_PATTERN =
  '^\\s*[^\\s@\\u0000-\\u001F]+@[^\\s@\\u0000-\\u001F]+\\.[^\\s@\\u0000-\\u001F]+\\s*$';
/** Typed phone numbers (spaces, dashes, brackets allowed) fit in this; normalisePhone decides. */
export const PHONE_INPUT_MAX_LENGTH = 32;

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
