import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/executor.ts';
import type { OneTimeCodesTable } from './otp.table.ts';
import type { SingleUseStore } from './single-use-secret.ts';

export interface OneTimeCode {
  id: string;
  purpose: string;
  userId: string | null;
  target: string;
  codeHash: string | null;
  tokenHash: string | null;
  codeExpiresAt: string;
  tokenExpiresAt: string | null;
  attempts: number;
  consumedAt: string | null;
  createdAt: string;
}

type Row = Selectable<OneTimeCodesTable>;

const toCode = (r: Row): OneTimeCode => ({
  id: r.id,
  purpose: r.purpose,
  userId: r.user_id,
  target: r.target,
  codeHash: r.code_hash,
  tokenHash: r.token_hash,
  codeExpiresAt: r.code_expires_at,
  tokenExpiresAt: r.token_expires_at,
  attempts: Number(r.attempts),
  consumedAt: r.consumed_at,
  createdAt: r.created_at,
});

export async function insertCode(
  db: Executor,
  code: Omit<OneTimeCode, 'attempts' | 'consumedAt'>,
): Promise<void> {
  await db
    .insertInto('one_time_codes')
    .values({
      id: code.id,
      purpose: code.purpose,
      user_id: code.userId,
      target: code.target,
      code_hash: code.codeHash,
      token_hash: code.tokenHash,
      code_expires_at: code.codeExpiresAt,
      token_expires_at: code.tokenExpiresAt,
      consumed_at: null,
      created_at: code.createdAt,
    })
    .execute();
}

/** The newest unconsumed code for a purpose and target: only the latest one counts. */
export async function findLatestCode(
  db: Executor,
  purpose: string,
  target: string,
): Promise<OneTimeCode | null> {
  const row = await db
    .selectFrom('one_time_codes')
    .selectAll()
    .where('purpose', '=', purpose)
    .where('target', '=', target)
    .where('consumed_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toCode(row) : null;
}

export async function findCodeById(db: Executor, id: string): Promise<OneTimeCode | null> {
  const row = await db.selectFrom('one_time_codes').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toCode(row) : null;
}

export async function findCodeByTokenHash(db: Executor, tokenHash: string): Promise<OneTimeCode | null> {
  const row = await db
    .selectFrom('one_time_codes')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row ? toCode(row) : null;
}

/** Counts a try; only while under the cap, so concurrent guesses cannot exceed it. */
export async function incrementAttempts(db: Executor, id: string, maxAttempts: number): Promise<boolean> {
  const result = await db
    .updateTable('one_time_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', id)
    .where('attempts', '<', maxAttempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks a code used; false when another request used it first. */
export async function consumeCode(db: Executor, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('one_time_codes')
    .set({ consumed_at: now })
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Retires every open code of a purpose for a target (a new one replaces them, or the target changed). */
export async function consumeOpenCodes(
  db: Executor,
  purpose: string,
  target: string,
  now: string,
): Promise<void> {
  await db
    .updateTable('one_time_codes')
    .set({ consumed_at: now })
    .where('purpose', '=', purpose)
    .where('target', '=', target)
    .where('consumed_at', 'is', null)
    .execute();
}

export async function deleteCodesOfUser(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('one_time_codes').where('user_id', '=', userId).execute();
}

/** The codes' atomic statements, for the single-use machinery. */
export const codeStore: SingleUseStore = { countAttempt: incrementAttempts, markUsed: consumeCode };
