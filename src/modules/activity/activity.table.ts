export interface ActivityEventsTable {
  user_id: string;
  event_id: string;
  created_at: string;
}

/** Per user, the number of the last change to any of their daily rows. */
export interface ActivitySequencesTable {
  user_id: string;
  seq: number;
}

export interface ActivityDailyTable {
  user_id: string;
  stream: string;
  scope: string;
  /** The UTC midnight the day starts at. */
  day_start: string;
  first_attempt_total: number;
  first_attempt_correct: number;
  reattempt_total: number;
  reattempt_correct: number;
  /** The user's change number when this row last changed: the sync cursor's order. */
  seq: number;
  updated_at: string;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    activity_events: ActivityEventsTable;
    activity_sequences: ActivitySequencesTable;
    activity_daily: ActivityDailyTable;
  }
}
