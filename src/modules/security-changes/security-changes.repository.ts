import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/executor.ts';
import type { SecurityChangesTable } from './security-changes.table.ts';

export type SecurityChangeRow = Selectable<SecurityChangesTable>;

export async function insertSecurityChange(
  db: Executor,
  row: Omit<SecurityChangeRow, 'undone_at'>,
): Promise<void> {
  await db
    .insertInto('security_changes')
    .values({ ...row, undone_at: null })
    .execute();
}

export async function findSecurityChangeByTokenHash(
  db: Executor,
  tokenHash: string,
): Promise<SecurityChangeRow | undefined> {
  return db.selectFrom('security_changes').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Marks a change undone; false when it already was (a second click, or a race). */
export async function markSecurityChangeUndone(db: Executor, id: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('security_changes')
    .set({ undone_at: now })
    .where('id', '=', id)
    .where('undone_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Closes every open undo link of a user (a password reset). */
export async function closeOpenSecurityChanges(db: Executor, userId: string, now: string): Promise<void> {
  await db
    .updateTable('security_changes')
    .set({ undone_at: now })
    .where('user_id', '=', userId)
    .where('undone_at', 'is', null)
    .execute();
}

/** Changes made after an instant and not undone, oldest first. */
export async function listSecurityChangesSince(
  db: Executor,
  userId: string,
  since: string,
): Promise<SecurityChangeRow[]> {
  return db
    .selectFrom('security_changes')
    .selectAll()
    .where('user_id', '=', userId)
    .where('created_at', '>', since)
    .where('undone_at', 'is', null)
    .orderBy('created_at')
    .execute();
}

export async function deleteSecurityChangesOfUser(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('security_changes').where('user_id', '=', userId).execute();
}
