// One-time codes and link tokens for email (and later phone) flows.
// Codes are short (6 digits), so they are stored as an HMAC keyed with the
// server secret (a plain hash of a 6-digit code is reversed in a millisecond)
// and guarded by a per-code attempt cap. Link tokens are 256-bit and stored as
// SHA-256. Only the newest code per purpose and target is valid.
//
// Checking and consuming are split so a caller can consume inside the
// transaction that acts on the code, while a wrong guess is counted at once
// (outside it) and survives the caller's rollback. The attempt cap, the
// keyed hash and the single use are single-use-secret.ts, shared with the
// second factors.
import type { Clock } from '../../platform/clock.ts';
import { randomDigits, randomToken, sha256 } from '../../platform/crypto/tokens.ts';
import type { Executor } from '../../platform/db/executor.ts';
import type { DomainError } from '../../platform/domain-error.ts';
import type { Hooks } from '../../platform/hooks.ts';
import { newId } from '../../platform/ids.ts';
import { otpError } from './otp.errors.ts';
import {
  codeStore,
  consumeOpenCodes,
  deleteCodesOfUser,
  findCodeById,
  findCodeByTokenHash,
  findLatestCode,
  insertCode,
  type OneTimeCode,
} from './otp.repository.ts';
import { createSingleUse, keyedHash, type SingleUseState, sameHash } from './single-use-secret.ts';

export type OtpPurpose =
  | 'email_verification'
  | 'password_reset'
  | 'mfa_email'
  | 'mfa_email_setup'
  | 'phone_login'
  | 'phone_link';

export const MAX_CODE_ATTEMPTS = 5;
const WRONG_CODE_DETAIL =
  'The code is incorrect, used or expired. Codes allow 5 tries; request a new one if needed.';
const CODE_DIGITS = 6;

export interface OtpDeps {
  readonly clock: Clock;
  /** Key of the code HMAC (derived from ROSTER_SECRET). */
  readonly codeKey: string;
  readonly hooks: Hooks;
}

export interface IssueCodeInput {
  readonly purpose: OtpPurpose;
  readonly userId: string | null;
  readonly target: string;
  readonly codeTtlSeconds: number;
  /** Also issue a link token valid this long. */
  readonly tokenTtlSeconds?: number;
}

export interface IssuedCode {
  /** The code's one-time id (`oti`): phone flows bind the check to it. */
  readonly id: string;
  readonly code: string;
  readonly token: string | null;
  readonly expiresAt: string;
}

export function createOtpService(deps: OtpDeps) {
  const codeHash = (purpose: string, target: string, code: string) =>
    keyedHash(deps.codeKey, purpose, target, code);
  const codes = createSingleUse(codeStore, { clock: deps.clock, maxAttempts: MAX_CODE_ATTEMPTS });
  const stateOf = (row: OneTimeCode): SingleUseState => ({
    id: row.id,
    expiresAt: row.codeExpiresAt,
    attempts: row.attempts,
    usedAt: row.consumedAt,
  });

  /** One try at a code; a row with only a link token has no code to try, and costs nothing. */
  async function attempt(
    db: Executor,
    row: OneTimeCode,
    purpose: string,
    target: string,
    code: string,
  ): Promise<{ row: OneTimeCode } | { counted: boolean }> {
    const stored = row.codeHash;
    if (stored === null) return { counted: false };
    const outcome = await codes.attempt(db, stateOf(row), () =>
      sameHash(stored, codeHash(purpose, target, code)),
    );
    return outcome.ok ? { row } : { counted: outcome.counted };
  }

  const service = {
    /** Issues a fresh code (and link token), retiring earlier ones. Call inside the caller's transaction. */
    async issueCode(db: Executor, input: IssueCodeInput): Promise<IssuedCode> {
      const now = deps.clock.now();
      const code = randomDigits(CODE_DIGITS);
      const token = input.tokenTtlSeconds ? randomToken() : null;
      const expiresAt = new Date(now.getTime() + input.codeTtlSeconds * 1000).toISOString();
      await consumeOpenCodes(db, input.purpose, input.target, now.toISOString());
      const id = newId();
      await insertCode(db, {
        id,
        purpose: input.purpose,
        userId: input.userId,
        target: input.target,
        codeHash: codeHash(input.purpose, input.target, code),
        tokenHash: token ? sha256(token) : null,
        codeExpiresAt: expiresAt,
        tokenExpiresAt: input.tokenTtlSeconds
          ? new Date(now.getTime() + input.tokenTtlSeconds * 1000).toISOString()
          : null,
        createdAt: now.toISOString(),
      });
      return { id, code, token, expiresAt };
    },

    /** When the newest code for the target that can still be used was sent; null when there is none. */
    async openCodeSentAt(db: Executor, purpose: OtpPurpose, target: string): Promise<string | null> {
      const row = await findLatestCode(db, purpose, target);
      return row && codes.isLive(stateOf(row)) ? row.createdAt : null;
    },

    /**
     * Checks a code against the newest one for the target. A wrong code counts
     * an attempt immediately (pass the database, not a transaction); after
     * MAX_CODE_ATTEMPTS the code is dead and a new one must be requested.
     */
    async checkCode(db: Executor, purpose: OtpPurpose, target: string, code: string): Promise<OneTimeCode> {
      // Every failure reads the same: no code, a wrong one, an expired one and
      // one with its tries used up. Anything more precise would tell an
      // anonymous caller whether a code was ever sent to the address.
      const row = await findLatestCode(db, purpose, target);
      const outcome = row ? await attempt(db, row, purpose, target, code) : { counted: false };
      if ('row' in outcome) return outcome.row;
      throw otpError('invalid_code', { detail: WRONG_CODE_DETAIL });
    },

    /**
     * Tries a code by its one-time id, as phone flows do: the id, purpose and
     * target must all match. `counted` tells whether a real code took the
     * attempt (a made-up oti costs the number nothing).
     */
    async tryCodeById(
      db: Executor,
      purpose: OtpPurpose,
      id: string,
      target: string,
      code: string,
    ): Promise<{ row: OneTimeCode } | { counted: boolean }> {
      const row = await findCodeById(db, id);
      if (!row || row.purpose !== purpose || row.target !== target) return { counted: false };
      return attempt(db, row, purpose, target, code);
    },

    refuse: () => otpError('invalid_code', { detail: WRONG_CODE_DETAIL }),

    /**
     * The refusal of a code tried by id, told precisely, for an owner who is
     * signed in (the oti was handed to them): an oti that is not theirs,
     * unknown or used reads as `oti_expired`, a wrong code (`wrongTry`: this
     * try counted against a live code, the fifth included) as `invalid_code`,
     * a code past its time or its tries as `otp_expired`. Anonymous
     * flows keep `refuse`, which cannot tell a sent code from none.
     */
    async refuseOwner(
      db: Executor,
      input: { purpose: OtpPurpose; id: string; target: string; userId: string; wrongTry?: boolean },
    ): Promise<DomainError> {
      const row = await findCodeById(db, input.id);
      if (
        !row ||
        row.purpose !== input.purpose ||
        row.target !== input.target ||
        row.userId !== input.userId ||
        row.consumedAt !== null
      )
        return otpError('oti_expired');
      // The try that used up the last attempt was still a wrong code; the next one finds it dead.
      if (input.wrongTry) return otpError('invalid_code', { detail: WRONG_CODE_DETAIL });
      if (!codes.isLive(stateOf(row)))
        return otpError('otp_expired', {
          detail: 'The code has expired or used up its tries; request a new one.',
        });
      return otpError('invalid_code', { detail: WRONG_CODE_DETAIL });
    },

    /** Finds the code a link token belongs to; the token must be unused and unexpired. */
    async checkToken(db: Executor, purpose: OtpPurpose, token: string): Promise<OneTimeCode> {
      const row = await findCodeByTokenHash(db, sha256(token));
      const now = deps.clock.now();
      if (
        !row ||
        row.purpose !== purpose ||
        row.consumedAt !== null ||
        row.tokenExpiresAt === null ||
        new Date(row.tokenExpiresAt) <= now
      ) {
        throw otpError('invalid_link');
      }
      return row;
    },

    /** Uses a checked code up, inside the transaction that acts on it; refuses a second use. */
    async consume(db: Executor, row: OneTimeCode): Promise<void> {
      if (!(await codes.use(db, stateOf(row)))) {
        throw row.tokenHash && row.codeHash === null ? otpError('invalid_link') : otpError('invalid_code');
      }
    },

    /** Deletes every code of a user (account erasure). */
    forgetUser(db: Executor, userId: string): Promise<void> {
      return deleteCodesOfUser(db, userId);
    },

    /** Retires open codes (e.g. after the address they were sent to changed). */
    retire(db: Executor, purpose: OtpPurpose, target: string): Promise<void> {
      return consumeOpenCodes(db, purpose, target, deps.clock.now().toISOString());
    },
  };
  // Erasure: the user's codes go with the account.
  deps.hooks.on('accountErased', (trx, e) => service.forgetUser(trx, e.userId));
  return service;
}

export type OtpService = ReturnType<typeof createOtpService>;
