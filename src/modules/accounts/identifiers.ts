// Normalising what people type: emails are trimmed and lower-cased (two
// spellings of one mailbox must be one account), usernames lower-cased.
import { type CountryCode, parsePhoneNumberWithError } from 'libphonenumber-js';

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

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

/** Login identifiers: an email when it has an @, a username otherwise. */
export function parseIdentifier(identifier: string): { kind: 'email' | 'username'; value: string } {
  const value = identifier.trim().toLowerCase();
  return value.includes('@') ? { kind: 'email', value } : { kind: 'username', value };
}
