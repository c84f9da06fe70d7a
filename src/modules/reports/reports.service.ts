// Content reports: anyone signed in reports a piece of an app's content or
// another user; staff work through the queue and resolve each report with an
// outcome and a note, recorded in the audit trail with the acting admin. A
// report that is sent again (a retry, a double tap) while it is still open is
// the same report.
import { authorize } from '../../platform/auth/policy.ts';
import { auditActor, type Principal } from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/clock.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import type { FieldError } from '../../platform/domain-error.ts';
import { commonError } from '../../platform/errors.ts';
import type { Hooks } from '../../platform/hooks.ts';
import { newId } from '../../platform/ids.ts';
import { type Page, pageFrom } from '../../platform/page.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { recordAudit } from '../audit/index.ts';
import { findUserById, userError } from '../users/index.ts';
import { reportError } from './reports.errors.ts';
import { REPORTS_PER_DAY, REPORTS_PER_HOUR } from './reports.limits.ts';
import {
  findOpenDuplicate,
  findReport,
  forgetReportsOf,
  insertReport,
  listReports,
  type ReportRow,
  resolveReport,
} from './reports.repository.ts';
import type { ReportOutcome, ReportStatus } from './reports.table.ts';

/** Kinds of subject and issue: short lower-case words the app chooses (`mcq`, `wrong_answer`). */
export const KIND_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
export const ID_MAX = 128;
export const COMMENTS_MAX = 2000;
export const NOTE_MAX = 2000;
export const REPORT_OUTCOMES = ['actioned', 'dismissed'] as const satisfies readonly ReportOutcome[];

export interface NewReport {
  readonly subject: { readonly type: string; readonly id: string; readonly shortId?: string | undefined };
  readonly issueType: string;
  readonly context?: { readonly type: string; readonly id: string } | undefined;
  readonly comments?: string | undefined;
}

export interface ReportView {
  readonly id: string;
  readonly subject: { readonly type: string; readonly id: string; readonly shortId: string | null };
  readonly issueType: string;
  readonly context: { readonly type: string; readonly id: string } | null;
  readonly comments: string | null;
  readonly status: ReportStatus;
  readonly createdAt: string;
}

/** What staff see: the report, who sent it, and how it was resolved. */
export interface ModerationView extends ReportView {
  readonly reporterId: string | null;
  readonly outcome: ReportOutcome | null;
  readonly resolutionNote: string | null;
  readonly resolvedBy: string | null;
  readonly resolvedAt: string | null;
}

const reportView = (r: ReportRow): ReportView => ({
  id: r.id,
  subject: { type: r.subject_type, id: r.subject_id, shortId: r.subject_short_id },
  issueType: r.issue_type,
  context:
    r.context_type !== null && r.context_id !== null ? { type: r.context_type, id: r.context_id } : null,
  comments: r.comments,
  status: r.status,
  createdAt: r.created_at,
});

const moderationView = (r: ReportRow): ModerationView => ({
  ...reportView(r),
  reporterId: r.reporter_id,
  outcome: r.outcome,
  resolutionNote: r.resolution_note,
  resolvedBy: r.resolved_by,
  resolvedAt: r.resolved_at,
});

function check(input: NewReport): FieldError[] {
  const errors: FieldError[] = [];
  const kind = (path: string, value: string) => {
    if (!KIND_PATTERN.test(value))
      errors.push({ path, message: 'must be a lower-case word of letters, digits, _ or - (at most 32)' });
  };
  const id = (path: string, value: string | undefined, max = ID_MAX) => {
    if (value !== undefined && (value.trim() === '' || value.length > max))
      errors.push({ path, message: `must be 1–${max} characters` });
  };
  kind('subject.type', input.subject.type);
  id('subject.id', input.subject.id);
  id('subject.shortId', input.subject.shortId, 64);
  kind('issueType', input.issueType);
  if (input.context) {
    kind('context.type', input.context.type);
    id('context.id', input.context.id);
  }
  if (input.comments !== undefined && input.comments.length > COMMENTS_MAX)
    errors.push({ path: 'comments', message: `must be at most ${COMMENTS_MAX} characters` });
  return errors;
}

export function createReportsService(deps: { db: Executor; clock: Clock; guard: RateGuard; hooks: Hooks }) {
  const { db, clock } = deps;
  // A route has loaded the role already; a caller that has not gets it read here.
  const moderator = (principal: Principal) =>
    authorize(
      principal,
      'reports:moderate',
      async (userId) => (await findUserById(db, userId))?.role ?? 'user',
    );
  deps.hooks.on('accountErased', (trx, e) => forgetReportsOf(trx, e.userId));

  return {
    /** Files a report; the same open report again answers the first (`created: false`). */
    async report(reporterId: string, input: NewReport): Promise<{ report: ReportView; created: boolean }> {
      const errors = check(input);
      if (errors.length > 0)
        throw commonError('validation_failed', { detail: 'Some fields are invalid; see errors.', errors });
      const subject = { ...input.subject, id: input.subject.id.trim() };
      if (subject.type === 'user') {
        if (subject.id === reporterId) throw reportError('report_self');
        // Anyone who exists can be reported, a user who blocks the reporter included.
        const user = await findUserById(db, subject.id);
        if (!user || user.status === 'deleted') throw userError('user_not_found');
      }
      const same = {
        reporterId,
        subjectType: subject.type,
        subjectId: subject.id,
        issueType: input.issueType,
      };
      const existing = await findOpenDuplicate(db, same);
      if (existing) return { report: reportView(existing), created: false };
      await deps.guard.perUser('report', reporterId, REPORTS_PER_HOUR);
      await deps.guard.perUser('report-day', reporterId, REPORTS_PER_DAY);
      const row: ReportRow = {
        id: newId(),
        reporter_id: reporterId,
        subject_type: subject.type,
        subject_id: subject.id,
        subject_short_id: input.subject.shortId?.trim() ?? null,
        issue_type: input.issueType,
        context_type: input.context?.type ?? null,
        context_id: input.context?.id.trim() ?? null,
        comments: input.comments?.trim() || null,
        status: 'open',
        outcome: null,
        resolution_note: null,
        resolved_by: null,
        resolved_at: null,
        created_at: clock.now().toISOString(),
      };
      await insertReport(db, row);
      return { report: reportView(row), created: true };
    },

    /** The queue, newest first (`reports:moderate`). */
    async queue(
      principal: Principal,
      filter: { status?: ReportStatus | undefined; limit: number; after?: string | undefined },
    ): Promise<Page<ModerationView, string>> {
      await moderator(principal);
      const rows = await listReports(db, {
        status: filter.status,
        before: filter.after,
        limit: filter.limit,
      });
      const page = pageFrom(rows, filter.limit, (r) => r.id);
      return { items: page.items.map(moderationView), next: page.next };
    },

    /** Resolves an open report with an outcome and a note; the audit names the acting admin. */
    async resolve(
      principal: Principal,
      id: string,
      input: { outcome: ReportOutcome; note?: string | undefined },
      context: RequestContext,
    ): Promise<ModerationView> {
      await moderator(principal);
      if (!(REPORT_OUTCOMES as readonly string[]).includes(input.outcome))
        throw commonError('validation_failed', {
          errors: [{ path: 'outcome', message: `must be one of ${REPORT_OUTCOMES.join(', ')}` }],
        });
      if (input.note !== undefined && input.note.length > NOTE_MAX)
        throw commonError('validation_failed', {
          errors: [{ path: 'note', message: `must be at most ${NOTE_MAX} characters` }],
        });
      const now = clock.now();
      const by = principal.kind === 'user' ? principal.userId : null;
      await inTransaction(db, async (trx) => {
        const report = await findReport(trx, id);
        if (!report) throw reportError('report_not_found');
        const note = input.note?.trim() || null;
        if (!(await resolveReport(trx, id, { outcome: input.outcome, note, by, at: now.toISOString() })))
          throw reportError('report_resolved');
        await recordAudit(
          trx,
          {
            type: 'report.resolved',
            userId: by,
            context,
            detail: { ...auditActor(principal.actor), reportId: id, outcome: input.outcome },
          },
          now,
        );
      });
      return moderationView((await findReport(db, id))!);
    },
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
