import { createHash } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import type { Executor } from '../../platform/db/executor.ts';
import type { AchievementsTable } from './achievements.table.ts';

export type AchievementRow = Selectable<AchievementsTable>;

/**
 * An achievement's id, the same wherever it is made: a read can show a type
 * the user has no row of yet under the id the row will get.
 */
export function achievementId(userId: string, type: string): string {
  const h = createHash('sha256').update(`achievement\u0000${userId}\u0000${type}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Gives each user every type they lack, at 0; existing rows stay as they are. */
export async function insertMissing(
  db: Executor,
  userIds: readonly string[],
  types: readonly { type: string; total: number }[],
  now: string,
): Promise<void> {
  if (userIds.length === 0 || types.length === 0) return;
  await db
    .insertInto('achievements')
    .values(
      userIds.flatMap((userId) =>
        types.map((t) => ({
          id: achievementId(userId, t.type),
          user_id: userId,
          type: t.type,
          total: t.total,
          value: 0,
          version: 0,
          created_at: now,
          updated_at: now,
        })),
      ),
    )
    .onConflict((oc) => oc.columns(['user_id', 'type']).doNothing())
    .execute();
}

export async function listAchievements(db: Executor, userIds: readonly string[]): Promise<AchievementRow[]> {
  if (userIds.length === 0) return [];
  return db.selectFrom('achievements').selectAll().where('user_id', 'in', userIds).execute();
}

/**
 * Sets the value (and the type's current total) in one statement, so
 * concurrent additions all count; the value stays within 0..total. Returns
 * the row, or undefined when the user has no such achievement.
 */
export async function changeValue(
  db: Executor,
  userId: string,
  type: string,
  total: number,
  change: { set: number } | { add: number },
  now: string,
): Promise<AchievementRow | undefined> {
  return db
    .updateTable('achievements')
    .set((eb) => {
      // Typed parameters: PostgreSQL would compare two untyped ones as text ('3' > '20').
      const int = (n: number) => sql<number>`cast(${n} as integer)`;
      const next = 'set' in change ? int(change.set) : sql<number>`value + ${int(change.add)}`;
      const clamped = sql<number>`case when ${next} < 0 then 0 when ${next} > ${int(total)} then ${int(total)} else ${next} end`;
      return { value: clamped, total, version: eb('version', '+', 1), updated_at: now };
    })
    .where('user_id', '=', userId)
    .where('type', '=', type)
    .returningAll()
    .executeTakeFirst();
}

export async function forgetAchievements(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('achievements').where('user_id', '=', userId).execute();
}
