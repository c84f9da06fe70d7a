export type ReportStatus = 'open' | 'resolved';
export type ReportOutcome = 'actioned' | 'dismissed';

export interface ReportsTable {
  id: string;
  reporter_id: string | null;
  /** `user`, or a kind of the app's content (`docket`, `mcq`, …). */
  subject_type: string;
  subject_id: string;
  subject_short_id: string | null;
  issue_type: string;
  context_type: string | null;
  context_id: string | null;
  comments: string | null;
  status: ReportStatus;
  outcome: ReportOutcome | null;
  resolution_note: string | null;
  resolved_by: string | null;
  resolved_at: string | null;
  created_at: string;
}

// Registers this table with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    reports: ReportsTable;
  }
}
