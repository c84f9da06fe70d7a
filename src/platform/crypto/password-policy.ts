// Password rules after NIST SP 800-63B (§3.1.1.2): a minimum and a generous
// maximum length counted in code points after NFC, no composition rules (they
// push people to predictable patterns), and a check against a list of
// commonly used or compromised passwords and against context-specific words.
import { dictionary } from '@zxcvbn-ts/language-common';
import type { FieldError } from '../domain-error.ts';

export const DEFAULT_PASSWORD_MIN_LENGTH = 8;
/** NIST asks to allow at least 64; 128 leaves room for passphrases and managers. */
export const PASSWORD_MAX_LENGTH = 128;

export interface PasswordPolicyOptions {
  /** From ROSTER_PASSWORD_MIN_LENGTH (config.passwordMinLength); 8 if omitted. */
  readonly minLength?: number;
  /** Account words the password must not equal: email, username, display name… */
  readonly context?: readonly (string | null | undefined)[];
  /** Field path of the reported errors, e.g. `newPassword`; `password` if omitted. */
  readonly path?: string;
}

// zxcvbn-ts's `passwords-common` (~49k entries, lower case, from breach
// corpora). Built into a Set on first use so processes that never check a
// password (the CLI, workers) skip the cost.
let commonPasswords: ReadonlySet<string> | undefined;

const fold = (text: string): string => text.normalize('NFC').toLowerCase();

/** True when the password, ignoring case, is in the common-passwords list. */
export function isCommonPassword(password: string): boolean {
  commonPasswords ??= new Set(dictionary['passwords-common'].map(fold));
  return commonPasswords.has(fold(password));
}

/**
 * Checks a new password and returns every broken rule (empty when it is
 * acceptable), as field errors for a `validation_failed` DomainError.
 */
export function checkPassword(password: string, options: PasswordPolicyOptions = {}): FieldError[] {
  const minLength = options.minLength ?? DEFAULT_PASSWORD_MIN_LENGTH;
  const path = options.path ?? 'password';
  if (!Number.isInteger(minLength) || minLength < 1 || minLength > PASSWORD_MAX_LENGTH)
    throw new RangeError(`checkPassword: minLength must be an integer in 1..${PASSWORD_MAX_LENGTH}`);

  const errors: FieldError[] = [];
  // Code points, not UTF-16 units: an emoji is one character to the user.
  const length = [...password.normalize('NFC')].length;
  if (length < minLength) errors.push({ path, message: `must be at least ${minLength} characters` });
  if (length > PASSWORD_MAX_LENGTH)
    errors.push({ path, message: `must be at most ${PASSWORD_MAX_LENGTH} characters` });
  if (length > PASSWORD_MAX_LENGTH) return errors; // no list holds such a password

  if (isCommonPassword(password))
    errors.push({ path, message: 'is too common; choose a less guessable password' });
  else if (contextWords(options.context).has(fold(password)))
    errors.push({ path, message: 'must not be the same as your username or email address' });
  return errors;
}

/** The given words, case-folded, plus the local part of each email address. */
function contextWords(context: PasswordPolicyOptions['context']): Set<string> {
  const words = new Set<string>();
  for (const raw of context ?? []) {
    const word = raw?.trim();
    if (!word) continue;
    words.add(fold(word));
    const at = word.lastIndexOf('@');
    if (at > 0) words.add(fold(word.slice(0, at)));
  }
  return words;
}
