// The reports table. Executor-first; the service owns the transactions.
import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/executor.ts';
import type { ReportOutcome, ReportStatus, ReportsTable } from './reports.table.ts';

export type ReportRow = Selectable<ReportsTable>;

export async function insertReport(db: Executor, row: ReportRow): Promise<void> {
  await db.insertInto('reports').values(row).execute();
}

export const findReport = (db: Executor, id: string): Promise<ReportRow | undefined> =>
  db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();

/** The reporter's open report about this subject for this issue, if any (a retried report). */
export const findOpenDuplicate = (
  db: Executor,
  r: { reporterId: string; subjectType: string; subjectId: string; issueType: string },
): Promise<ReportRow | undefined> =>
  db
    .selectFrom('reports')
    .selectAll()
    .where('reporter_id', '=', r.reporterId)
    .where('subject_type', '=', r.subjectType)
    .where('subject_id', '=', r.subjectId)
    .where('issue_type', '=', r.issueType)
    .where('status', '=', 'open')
    .executeTakeFirst();

/** Newest first, keyset by id (UUIDv7); `limit + 1` rows so the caller can tell a next page exists. */
export async function listReports(
  db: Executor,
  filter: { status?: ReportStatus | undefined; before?: string | undefined; limit: number },
): Promise<ReportRow[]> {
  let query = db.selectFrom('reports').selectAll();
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.before) query = query.where('id', '<', filter.before);
  return query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
}

/** Resolves an open report; false when it was resolved meanwhile. */
export async function resolveReport(
  db: Executor,
  id: string,
  r: { outcome: ReportOutcome; note: string | null; by: string | null; at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('reports')
    .set({
      status: 'resolved',
      outcome: r.outcome,
      resolution_note: r.note,
      resolved_by: r.by,
      resolved_at: r.at,
    })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * An erased user leaves the reports: theirs stay for moderation without their
 * name, reports about them go, and the ones they resolved keep only the outcome.
 */
export async function forgetReportsOf(db: Executor, userId: string): Promise<void> {
  await db.updateTable('reports').set({ reporter_id: null }).where('reporter_id', '=', userId).execute();
  await db.updateTable('reports').set({ resolved_by: null }).where('resolved_by', '=', userId).execute();
  await db
    .deleteFrom('reports')
    .where('subject_type', '=', 'user')
    .where('subject_id', '=', userId)
    .execute();
}
