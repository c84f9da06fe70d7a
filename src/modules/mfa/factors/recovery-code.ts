// Recovery codes: ten single-use codes, the way in when the app or the mailbox
// is lost. Shown once, stored as keyed hashes (the OTP module's keyedHash
// under a key of their own), used up exactly once through the single-use
// machinery. They answer only the second step of a sign-in, never confirm a
// change, and exist only while another factor is on.
import type { Clock } from '../../../platform/clock.ts';
import { generateRecoveryCodes, normaliseRecoveryCode } from '../../../platform/crypto/recovery-codes.ts';
import type { Executor } from '../../../platform/db/executor.ts';
import { newId } from '../../../platform/ids.ts';
import { createSingleUse, keyedHash } from '../../otp/index.ts';
import type { Factor } from '../factor.ts';
import {
  countRecoveryCodesLeft,
  findUnusedRecoveryCode,
  recoveryCodeStore,
  replaceRecoveryCodes,
} from '../mfa.repository.ts';

const CODES_PER_SET = 10;

export interface RecoveryCodes extends Factor {
  /** How many are left unused. */
  left(db: Executor, userId: string): Promise<number>;
  /** The first factor brings a new set; later ones keep the existing set unless `replace`. */
  issue(trx: Executor, userId: string, replace: boolean): Promise<string[]>;
}

export function createRecoveryCodes(deps: {
  readonly clock: Clock;
  /** Key of the recovery-code HMAC (derived from ROSTER_SECRET). */
  readonly key: string;
}): RecoveryCodes {
  const { clock, key } = deps;
  // No cap of their own: tried within a pending sign-in's 5 tries and the account's lockout.
  const codes = createSingleUse(recoveryCodeStore, { clock, maxAttempts: null });
  const hashOf = (code: string) => keyedHash(key, normaliseRecoveryCode(code));
  return {
    method: 'recovery_code',
    amr: 'recovery_code',
    left: countRecoveryCodesLeft,

    async issue(trx, userId, replace) {
      if (!replace && (await countRecoveryCodesLeft(trx, userId)) > 0) return [];
      const fresh = generateRecoveryCodes(CODES_PER_SET);
      await replaceRecoveryCodes(
        trx,
        userId,
        fresh.map((c) => ({ id: newId(), hash: hashOf(c) })),
        clock.now().toISOString(),
      );
      return fresh;
    },

    async verify(db, { user, code, use }) {
      if (use !== 'sign-in') return false;
      const row = await findUnusedRecoveryCode(db, user.id, hashOf(code));
      if (!row) return false;
      return codes.use(db, { id: row.id, expiresAt: null, attempts: 0, usedAt: null });
    },
  };
}
