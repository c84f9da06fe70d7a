// The attempt-capped single-use secret, written once. One-time codes (this
// module's table), pending MFA sign-ins and recovery codes (the mfa module's
// tables) all hold a secret that
// - is stored only as a keyed hash: a plain hash of a 6-digit code is
//   reversed in a millisecond, one keyed with a server secret is not;
// - is compared in constant time;
// - takes its try before it is checked, atomically, so parallel guesses
//   cannot evaluate more than the cap;
// - is used up exactly once, however many requests race for it;
// - expires.
// The rows stay in their owner's table: the owner hands in a store with the
// two statements that must be atomic, each one UPDATE on its own table.
import type { Clock } from '../../platform/clock.ts';
import { constantTimeEqual, hmacSha256 } from '../../platform/crypto/tokens.ts';
import type { Executor } from '../../platform/db/executor.ts';

/** What the machinery reads of a stored secret. */
export interface SingleUseState {
  readonly id: string;
  /** Never expires when null (recovery codes: they last until used or replaced). */
  readonly expiresAt: string | null;
  readonly attempts: number;
  readonly usedAt: string | null;
}

/** The owner's atomic statements. */
export interface SingleUseStore {
  /**
   * Counts one try while fewer than `max` were counted; false once the cap is
   * reached. Absent for secrets whose tries are capped elsewhere (a recovery
   * code is tried within a pending sign-in's tries and the account's lockout).
   */
  countAttempt?(db: Executor, id: string, max: number): Promise<boolean>;
  /** Marks the secret used; false when it was used already (another request won the race). */
  markUsed(db: Executor, id: string, now: string): Promise<boolean>;
}

/**
 * One try: `ok`, or refused; `counted` tells whether the try took one of the
 * secret's attempts (a dead secret costs nothing: callers charging other
 * counters, such as a number's daily failures, charge only counted tries).
 */
export type Attempt = { readonly ok: true } | { readonly ok: false; readonly counted: boolean };

export interface SingleUse {
  /** Unused, unexpired, with tries left. */
  isLive(state: SingleUseState): boolean;
  /** Takes a try, then (only if one was left) runs `check`, which says whether the secret matched. */
  attempt(db: Executor, state: SingleUseState, check: () => boolean | Promise<boolean>): Promise<Attempt>;
  /** Uses the secret up, in the transaction that acts on it; false when it was used already. */
  use(db: Executor, state: SingleUseState): Promise<boolean>;
}

export function createSingleUse(
  store: SingleUseStore,
  policy: { readonly clock: Clock; readonly maxAttempts: number | null },
): SingleUse {
  const { clock, maxAttempts } = policy;
  const isLive = (state: SingleUseState) =>
    state.usedAt === null &&
    (state.expiresAt === null || new Date(state.expiresAt) > clock.now()) &&
    (maxAttempts === null || state.attempts < maxAttempts);
  return {
    isLive,
    async attempt(db, state, check) {
      if (!isLive(state)) return { ok: false, counted: false };
      if (maxAttempts !== null) {
        // The try is taken before the check: a guess that loses this race is never evaluated.
        if (!store.countAttempt) throw new Error('an attempt-capped secret needs countAttempt');
        if (!(await store.countAttempt(db, state.id, maxAttempts))) return { ok: false, counted: false };
      }
      return (await check()) ? { ok: true } : { ok: false, counted: true };
    },
    use: (db, state) => store.markUsed(db, state.id, clock.now().toISOString()),
  };
}

/**
 * HMAC-SHA-256 (hex) of a short secret and what it is bound to (purpose,
 * target), joined by NUL, which none of them can contain: a code for one
 * purpose or address never matches another's.
 */
export function keyedHash(key: string | Uint8Array, ...parts: readonly string[]): string {
  if (key.length === 0) throw new RangeError('keyedHash: key must not be empty');
  return hmacSha256(key, parts.join('\u0000'));
}

/** Whether a stored keyed hash is the candidate's, in constant time. */
export function sameHash(stored: string, candidate: string): boolean {
  return constantTimeEqual(stored, candidate);
}
