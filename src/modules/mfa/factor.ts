// What every second factor answers, so the second step of a sign-in, the
// confirmation of a change and the re-authentication ask the factor instead
// of switching on its kind. TOTP (factors/totp.ts), codes by email
// (factors/email-code.ts) and recovery codes (factors/recovery-code.ts) are
// factors today; SMS codes and passkeys join by implementing this.
import type { Executor } from '../../platform/db/executor.ts';
import type { User } from '../users/index.ts';
import type { FactorRow } from './mfa.repository.ts';

/** Factors an owner sets up and turns on (a row in mfa_factors each). */
export type FactorKind = 'totp' | 'email';

/** What can answer the second step of a sign-in. */
export type MfaMethod = FactorKind | 'recovery_code';

/**
 * Which code a check wants: the second step of a sign-in, or one that
 * confirms a change while signed in. A mailed code is sent for one of them
 * and does not work for the other.
 */
export type CodeUse = 'sign-in' | 'change';

export interface FactorCheck {
  readonly user: User;
  readonly code: string;
  readonly use: CodeUse;
  /** The factor's row, for the factors set up per account (none for recovery codes). */
  readonly row: FactorRow | null;
}

export interface Factor {
  readonly method: MfaMethod;
  /** What a session signed in with it records (RFC 8176). */
  readonly amr: string;
  /**
   * Checks a code and uses it up (a TOTP time step, a mailed code, a
   * recovery code), so it never works twice. False when wrong, used or
   * expired: the caller counts the failure and chooses the reply.
   */
  verify(db: Executor, check: FactorCheck): Promise<boolean>;
}

/** A factor the owner sets up: started by enroll, turned on by a first code (factor-changes.ts). */
export interface EnrolledFactor<Enrollment = unknown> extends Factor {
  readonly method: FactorKind;
  /** How notices and undo results name it. */
  readonly name: string;
  /** Starts, or restarts, the set-up: what the owner needs to answer a first code. */
  enroll(user: User): Promise<Enrollment>;
  /** Sends the code of a pending sign-in, for factors that deliver one (email; later SMS). */
  sendSignInCode?(user: User): Promise<void>;
}
