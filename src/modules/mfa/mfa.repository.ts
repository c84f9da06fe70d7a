import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/executor.ts';
import type { SingleUseStore } from '../otp/index.ts';
import type { MfaChallengesTable, MfaFactorsTable } from './mfa.table.ts';

export type FactorType = 'totp' | 'email';
export type FactorRow = Selectable<MfaFactorsTable>;
export type Challenge = Selectable<MfaChallengesTable>;

/** Ordered by type: listings and the methods of a pending sign-in keep this order. */
export async function listFactors(db: Executor, userId: string): Promise<FactorRow[]> {
  return db.selectFrom('mfa_factors').selectAll().where('user_id', '=', userId).orderBy('type').execute();
}

export async function findFactor(
  db: Executor,
  userId: string,
  type: FactorType,
): Promise<FactorRow | undefined> {
  return db
    .selectFrom('mfa_factors')
    .selectAll()
    .where('user_id', '=', userId)
    .where('type', '=', type)
    .executeTakeFirst();
}

/** Starts (or restarts) a pending factor; an enabled one is never overwritten here. */
export async function upsertPendingFactor(
  db: Executor,
  f: { id: string; userId: string; type: FactorType; secret: string | null; now: string },
): Promise<void> {
  await db
    .insertInto('mfa_factors')
    .values({
      id: f.id,
      user_id: f.userId,
      type: f.type,
      secret: f.secret,
      last_used_step: null,
      enabled_at: null,
      created_at: f.now,
    })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'type'])
        .doUpdateSet({ secret: f.secret, last_used_step: null, created_at: f.now })
        .where('mfa_factors.enabled_at', 'is', null),
    )
    .execute();
}

/** Enables the pending factor, only if its secret is still the one the code was checked against. */
export async function enableFactor(
  db: Executor,
  id: string,
  secret: string | null,
  now: string,
): Promise<boolean> {
  let query = db
    .updateTable('mfa_factors')
    .set({ enabled_at: now })
    .where('id', '=', id)
    .where('enabled_at', 'is', null);
  query = secret === null ? query.where('secret', 'is', null) : query.where('secret', '=', secret);
  const r = await query.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteMfaData(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('mfa_challenges').where('user_id', '=', userId).execute();
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db.deleteFrom('mfa_factors').where('user_id', '=', userId).execute();
}

export async function deleteFactor(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('mfa_factors').where('id', '=', id).execute();
}

/** Records the TOTP step used; false when that step (or a later one) was used already (a replay or a race). */
export async function useTotpStep(db: Executor, id: string, step: number): Promise<boolean> {
  const r = await db
    .updateTable('mfa_factors')
    .set({ last_used_step: step })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function replaceRecoveryCodes(
  db: Executor,
  userId: string,
  rows: { id: string; hash: string }[],
  now: string,
): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  if (rows.length === 0) return;
  await db
    .insertInto('recovery_codes')
    .values(
      rows.map((r) => ({ id: r.id, user_id: userId, code_hash: r.hash, used_at: null, created_at: now })),
    )
    .execute();
}

export async function countRecoveryCodesLeft(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The user's unused recovery code with this hash, if any. */
export async function findUnusedRecoveryCode(
  db: Executor,
  userId: string,
  hash: string,
): Promise<{ id: string; created_at: string } | undefined> {
  return db
    .selectFrom('recovery_codes')
    .select(['id', 'created_at'])
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
}

/** Uses a recovery code once; false when used already (also by a concurrent request). */
export async function markRecoveryCodeUsed(db: Executor, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Recovery codes for the single-use machinery: tried within a pending sign-in's tries, used once. */
export const recoveryCodeStore: SingleUseStore = { markUsed: markRecoveryCodeUsed };

export async function insertChallenge(
  db: Executor,
  c: Omit<Challenge, 'attempts' | 'consumed_at'>,
): Promise<void> {
  await db
    .insertInto('mfa_challenges')
    .values({ ...c, attempts: 0, consumed_at: null })
    .execute();
}

export async function findChallenge(db: Executor, tokenHash: string): Promise<Challenge | undefined> {
  return db.selectFrom('mfa_challenges').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function countChallengeAttempt(db: Executor, id: string, max: number): Promise<boolean> {
  const r = await db
    .updateTable('mfa_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('attempts', '<', max)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function consumeChallenge(db: Executor, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('mfa_challenges')
    .set({ consumed_at: now })
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Pending sign-ins for the single-use machinery: 5 tries, completed once. */
export const challengeStore: SingleUseStore = {
  countAttempt: countChallengeAttempt,
  markUsed: consumeChallenge,
};

export interface StoredRecoveryCode {
  readonly id: string;
  readonly hash: string;
  readonly usedAt: string | null;
  readonly createdAt: string;
}

/** The recovery codes as stored (hashes), to put them back when a replacement is undone. */
export async function listRecoveryCodeRows(db: Executor, userId: string): Promise<StoredRecoveryCode[]> {
  const rows = await db
    .selectFrom('recovery_codes')
    .select(['id', 'code_hash', 'used_at', 'created_at'])
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => ({ id: r.id, hash: r.code_hash, usedAt: r.used_at, createdAt: r.created_at }));
}

export async function restoreRecoveryCodes(
  db: Executor,
  userId: string,
  codes: readonly StoredRecoveryCode[],
): Promise<void> {
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

/** Removes the recovery codes made at or after an instant; returns how many. */
export async function deleteRecoveryCodesSince(db: Executor, userId: string, since: string): Promise<number> {
  const r = await db
    .deleteFrom('recovery_codes')
    .where('user_id', '=', userId)
    .where('created_at', '>=', since)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Puts a removed factor back, enabled, as it was (its last used TOTP step included). */
export async function restoreFactor(db: Executor, userId: string, f: FactorRow): Promise<void> {
  await db
    .insertInto('mfa_factors')
    .values({ ...f, user_id: userId })
    .execute();
}

/** Deletes a factor by id; false when it was gone already. */
export async function deleteFactorById(db: Executor, id: string): Promise<boolean> {
  const r = await db.deleteFrom('mfa_factors').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}
