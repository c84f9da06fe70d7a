// The activity tables. Executor-first; the service owns the transactions.
import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/executor.ts';
import type { ActivityDailyTable } from './activity.table.ts';

export type DailyRow = Selectable<ActivityDailyTable>;

/** Records an event id for the user; false when it was recorded before (a retry). */
export async function insertEvent(
  db: Executor,
  userId: string,
  eventId: string,
  now: string,
): Promise<boolean> {
  const row = await db
    .insertInto('activity_events')
    .values({ user_id: userId, event_id: eventId, created_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'event_id']).doNothing())
    .returning('event_id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The user's next change number. The row lock it takes lasts to the end of
 * the transaction, so one user's changes commit in the order of their numbers
 * and a sync never skips a row that committed late.
 */
export async function nextSequence(db: Executor, userId: string): Promise<number> {
  const row = await db
    .insertInto('activity_sequences')
    .values({ user_id: userId, seq: 1 })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet((eb) => ({ seq: eb('activity_sequences.seq', '+', 1) })),
    )
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

export interface DayDelta {
  readonly userId: string;
  readonly stream: string;
  readonly scope: string;
  readonly dayStart: string;
  readonly firstTotal: number;
  readonly firstCorrect: number;
  readonly reTotal: number;
  readonly reCorrect: number;
}

/** Adds to a day's totals (creating the day), in one statement, marking it with the change number. */
export async function addToDay(db: Executor, d: DayDelta, seq: number, now: string): Promise<void> {
  await db
    .insertInto('activity_daily')
    .values({
      user_id: d.userId,
      stream: d.stream,
      scope: d.scope,
      day_start: d.dayStart,
      first_attempt_total: d.firstTotal,
      first_attempt_correct: d.firstCorrect,
      reattempt_total: d.reTotal,
      reattempt_correct: d.reCorrect,
      seq,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['user_id', 'stream', 'scope', 'day_start']).doUpdateSet((eb) => ({
        first_attempt_total: eb('activity_daily.first_attempt_total', '+', d.firstTotal),
        first_attempt_correct: eb('activity_daily.first_attempt_correct', '+', d.firstCorrect),
        reattempt_total: eb('activity_daily.reattempt_total', '+', d.reTotal),
        reattempt_correct: eb('activity_daily.reattempt_correct', '+', d.reCorrect),
        seq,
        updated_at: now,
      })),
    )
    .execute();
}

/** Rows changed after change number `after`, days from `from` on, in change order; `limit + 1` rows. */
export function listChangedDays(
  db: Executor,
  q: {
    userId: string;
    after: number;
    from?: string | undefined;
    stream?: string | undefined;
    scope?: string | undefined;
    limit: number;
  },
): Promise<DailyRow[]> {
  let query = db
    .selectFrom('activity_daily')
    .selectAll()
    .where('user_id', '=', q.userId)
    .where('seq', '>', q.after);
  if (q.from) query = query.where('day_start', '>=', q.from);
  if (q.stream !== undefined) query = query.where('stream', '=', q.stream);
  if (q.scope !== undefined) query = query.where('scope', '=', q.scope);
  return query
    .orderBy('seq')
    .limit(q.limit + 1)
    .execute();
}

export async function forgetActivity(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('activity_daily').where('user_id', '=', userId).execute();
  await db.deleteFrom('activity_sequences').where('user_id', '=', userId).execute();
  await db.deleteFrom('activity_events').where('user_id', '=', userId).execute();
}
