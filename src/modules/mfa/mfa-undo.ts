// How second-factor changes are reversed: fully by the undo link mailed with
// each change, and at a password reset only by removing what was added (a
// reset never brings back what the owner had replaced or turned off). The
// records hold only what the tables held: a TOTP secret still encrypted,
// recovery codes still hashed.
import type { Executor } from '../../platform/db/executor.ts';
import type { SecurityChanges } from '../security-changes/index.ts';
import type { FactorKind } from './factor.ts';
import {
  deleteFactorById,
  deleteRecoveryCodesSince,
  type FactorRow,
  listFactors,
  replaceRecoveryCodes,
  restoreFactor,
  restoreRecoveryCodes,
  type StoredRecoveryCode,
} from './mfa.repository.ts';

const hasEnabled = async (db: Executor, userId: string) =>
  (await listFactors(db, userId)).some((f) => f.enabled_at !== null);

/** What a factor's removal record keeps to put it back. */
export const removedFactorData = (factor: FactorRow, recoveryCodes: StoredRecoveryCode[] | null) => ({
  factor,
  recoveryCodes,
});

/** `nameOf` names a factor in the undo result ("An authenticator app was removed"). */
export function registerMfaUndo(
  security: SecurityChanges,
  now: () => string,
  nameOf: (kind: FactorKind) => string,
): void {
  /** Removes a factor that was turned on; recovery codes go with the last one. */
  async function removeFactor(trx: Executor, userId: string, data: Record<string, unknown>) {
    const { factorId, type } = data as { factorId: string; type: FactorKind };
    if (!(await deleteFactorById(trx, factorId))) return null;
    // Recovery codes without a factor would be a way in without a second factor's purpose.
    if (!(await hasEnabled(trx, userId))) await replaceRecoveryCodes(trx, userId, [], now());
    return `${nameOf(type)} was removed`;
  }
  security.register('factor.enabled', { undo: removeFactor, removeAdded: removeFactor });

  security.register('factor.disabled', {
    async undo(trx, userId, data) {
      const { factor, recoveryCodes } = data as ReturnType<typeof removedFactorData>;
      const type = factor.type as FactorKind;
      // Only when none of that kind was set up since (else the newer one stays).
      const current = (await listFactors(trx, userId)).find((f) => f.type === type);
      if (current?.enabled_at) return `${nameOf(type)} stayed as it is now (a new one was set up since)`;
      if (current) await deleteFactorById(trx, current.id);
      await restoreFactor(trx, userId, factor);
      if (recoveryCodes) await restoreRecoveryCodes(trx, userId, recoveryCodes);
      return `${nameOf(type)} was turned back on`;
    },
  });

  security.register('recovery_codes.replaced', {
    async undo(trx, userId, data) {
      const { previous } = data as { previous: StoredRecoveryCode[] };
      // Codes without a factor on would wait to come back into force unseen.
      if (!(await hasEnabled(trx, userId))) {
        await replaceRecoveryCodes(trx, userId, [], now());
        return 'The recovery codes made then were cancelled';
      }
      await restoreRecoveryCodes(trx, userId, previous);
      return 'The recovery codes made then were cancelled (the ones before them work again)';
    },
    async removeAdded(trx, userId, _data, recordedAt) {
      const removed = await deleteRecoveryCodesSince(trx, userId, recordedAt);
      return removed > 0
        ? 'The recovery codes made then were cancelled (make new ones after signing in)'
        : null;
    },
  });
}
