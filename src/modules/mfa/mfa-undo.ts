// How the undo link of a security-change mail (and a password reset) reverses
// second-factor changes. The record holds only what the tables held: a TOTP
// secret still encrypted, recovery codes still hashed.
import type { Executor } from '../../platform/db/executor.ts';
import type { SecurityChanges } from '../security-changes/security-changes.service.ts';
import type { Factor, FactorType } from './mfa.repository.ts';
import { deleteFactor, listFactors, replaceRecoveryCodes } from './mfa.repository.ts';

export const FACTOR_NAMES: Record<FactorType, string> = {
  totp: 'An authenticator app',
  email: 'Sign-in codes by email',
};

export interface StoredRecoveryCode {
  readonly id: string;
  readonly hash: string;
  readonly usedAt: string | null;
  readonly createdAt: string;
}

export async function listRecoveryCodeRows(db: Executor, userId: string): Promise<StoredRecoveryCode[]> {
  const rows = await db
    .selectFrom('recovery_codes')
    .select(['id', 'code_hash', 'used_at', 'created_at'])
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => ({ id: r.id, hash: r.code_hash, usedAt: r.used_at, createdAt: r.created_at }));
}

async function restoreRecoveryCodes(db: Executor, userId: string, codes: readonly StoredRecoveryCode[]) {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (codes.length === 0) return;
  await db
    .insertInto('recovery_codes')
    .values(
      codes.map((c) => ({
        id: c.id,
        user_id: userId,
        code_hash: c.hash,
        used_at: c.usedAt,
        created_at: c.createdAt,
      })),
    )
    .execute();
}

const hasEnabled = async (db: Executor, userId: string) =>
  (await listFactors(db, userId)).some((f) => f.enabled_at !== null);

/** What a factor's removal record keeps to put it back. */
export const removedFactorData = (factor: Factor, recoveryCodes: StoredRecoveryCode[] | null) => ({
  factor: {
    id: factor.id,
    type: factor.type,
    secret: factor.secret,
    enabledAt: factor.enabled_at,
    createdAt: factor.created_at,
  },
  recoveryCodes,
});

export function registerMfaUndo(security: SecurityChanges, now: () => string): void {
  security.register('factor.enabled', {
    addsAccess: true,
    async undo(trx, userId, data) {
      const { factorId, type } = data as { factorId: string; type: FactorType };
      await deleteFactor(trx, factorId);
      // Recovery codes without a factor would be a way in without a second factor's purpose.
      if (!(await hasEnabled(trx, userId))) await replaceRecoveryCodes(trx, userId, [], now());
      return `${FACTOR_NAMES[type]} was removed`;
    },
  });
  security.register('factor.disabled', {
    addsAccess: false,
    async undo(trx, userId, data) {
      const { factor, recoveryCodes } = data as ReturnType<typeof removedFactorData>;
      const type = factor.type as FactorType;
      // Only when none of that kind was set up since (else the newer one stays).
      const current = (await listFactors(trx, userId)).find((f) => f.type === type);
      if (current?.enabled_at)
        return `${FACTOR_NAMES[type]} stayed as it is now (a new one was set up since)`;
      if (current) await deleteFactor(trx, current.id);
      await trx
        .insertInto('mfa_factors')
        .values({
          id: factor.id,
          user_id: userId,
          type,
          secret: factor.secret,
          last_used_step: null,
          enabled_at: factor.enabledAt ?? now(),
          created_at: factor.createdAt,
        })
        .execute();
      if (recoveryCodes) await restoreRecoveryCodes(trx, userId, recoveryCodes);
      return `${FACTOR_NAMES[type]} was turned back on`;
    },
  });
  security.register('recovery_codes.replaced', {
    addsAccess: true,
    async undo(trx, userId, data) {
      const { previous } = data as { previous: StoredRecoveryCode[] };
      await restoreRecoveryCodes(trx, userId, previous);
      return 'The recovery codes made then were cancelled (the ones before them work again)';
    },
  });
}
