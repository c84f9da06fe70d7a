// Time-based one-time passwords (RFC 6238) for authenticator apps: the shared
// secret, the otpauth:// URI and its QR code for enrolment, and verification.
// Pure functions, no storage: the caller keeps the secret encrypted at rest
// (encryption.ts) and persists the step returned by verifyTotp, which is what
// makes a code single-use.
//
// Parameters are fixed at the values every authenticator app supports
// (SHA-1, 6 digits, 30 s); SHA-1 is fine here because HOTP only needs HMAC-SHA-1
// to be a PRF, and several popular apps silently ignore other algorithms.
import { HOTP, Secret, TOTP } from 'otpauth';
import { loadOnUse } from '../load-on-use.ts';
import { constantTimeEqual } from './tokens.ts';

const ALGORITHM = 'SHA1';
const DIGITS = 6;
const PERIOD_SECONDS = 30;
const SECRET_BYTES = 20; // 160 bits, the HMAC-SHA-1 block-output size RFC 4226 recommends
// One step either side absorbs clock drift and the time it takes to type the
// code; more would widen the guessing window for little gain.
const DRIFT_STEPS = 1;
const CODE = /^[0-9]{6}$/;

/** A fresh random secret, base32 without padding (32 characters). */
export function generateTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

export interface TotpUriInput {
  /** Base32 secret from generateTotpSecret. */
  secret: string;
  /** Shown in the app under the issuer, typically the e-mail address. */
  account: string;
  /** The service name shown in the app, e.g. the deployment's display name. */
  issuer: string;
}

/**
 * The Key Uri Format understood by authenticator apps:
 * `otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`.
 * The issuer appears twice on purpose: older apps read it from the label,
 * newer ones from the parameter.
 */
export function totpUri({ secret, account, issuer }: TotpUriInput): string {
  // Parsing also validates: a corrupt secret fails here, not in the user's app.
  const base32 = Secret.fromBase32(secret).base32;
  assertIssuer(issuer);
  if (typeof account !== 'string' || account.trim().length === 0)
    throw new RangeError('totpUri: account must be a non-empty string');
  // Every part is percent-encoded, a colon in the account too (`%3A`): apps
  // split the label at its first colon, which is the one after the issuer.
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = [
    `secret=${base32}`,
    `issuer=${encodeURIComponent(issuer)}`,
    `algorithm=${ALGORITHM}`,
    `digits=${DIGITS}`,
    `period=${PERIOD_SECONDS}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}

// The issuer is the deployment's fixed name, not user input, and it comes
// before the label's first colon: one of its own would split it there.
function assertIssuer(issuer: string): void {
  if (typeof issuer !== 'string' || issuer.trim().length === 0)
    throw new RangeError('totpUri: issuer must be a non-empty string');
  if (issuer.includes(':')) throw new RangeError("totpUri: issuer must not contain ':'");
}

/** The URI as a standalone SVG QR code, to inline in the enrolment page. */
export function totpQrSvg(uri: string): Promise<string> {
  // Medium error correction keeps the code small yet readable from a screen.
  return loadOnUse<typeof import('qrcode')>('qrcode').toString(uri, {
    type: 'svg',
    errorCorrectionLevel: 'M',
  });
}

export interface VerifyTotpInput {
  /** Base32 secret. */
  secret: string;
  /** What the user typed; exactly six ASCII digits or it is refused. */
  code: string;
  /** The injected clock's time, so tests and dev time-travel work. */
  now: Date;
  /** The step of the last accepted code for this factor, or null if none yet. */
  lastUsedStep: number | null;
}

/**
 * Checks a code against the current 30-second step and one step either side.
 * Returns the matched step (persist it as the new lastUsedStep) or null.
 *
 * Steps ≤ lastUsedStep are refused: a code cannot be replayed within its
 * window, and after a newer code was accepted no older one works either.
 */
export function verifyTotp({ secret, code, now, lastUsedStep }: VerifyTotpInput): number | null {
  // Malformed input is refused before any HMAC: cheap for junk, and a code
  // that is not six digits can never be right anyway.
  if (typeof code !== 'string' || !CODE.test(code)) return null;
  if (lastUsedStep !== null && !Number.isSafeInteger(lastUsedStep))
    throw new RangeError('verifyTotp: lastUsedStep must be an integer or null');
  const key = Secret.fromBase32(secret);
  const current = stepAt(now);

  // Every candidate is computed and compared, matched or not and used or not,
  // so the response time says nothing about which step matched.
  let matched: number | null = null;
  for (let step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
    if (step < 0) continue;
    const equal = constantTimeEqual(code, codeForStep(key, step));
    const fresh = lastUsedStep === null || step > lastUsedStep;
    // The earliest fresh match wins; equal codes in two steps are a 1-in-10^6
    // coincidence and either answer is correct.
    if (equal && fresh && matched === null) matched = step;
  }
  return matched;
}

/** The code an authenticator shows at `date`; for tests and hosted pages. */
export function totpCodeAt(secret: string, date: Date): string {
  return codeForStep(Secret.fromBase32(secret), stepAt(date));
}

/** The RFC 6238 time step (counter) containing `date`. */
export function totpStepAt(date: Date): number {
  return stepAt(date);
}

function stepAt(date: Date): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('totp: invalid date');
  return TOTP.counter({ period: PERIOD_SECONDS, timestamp: ms });
}

function codeForStep(secret: Secret, step: number): string {
  return HOTP.generate({ secret, algorithm: ALGORITHM, digits: DIGITS, counter: step });
}
