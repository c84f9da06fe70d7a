export interface AuditEventsTable {
  id: string;
  user_id: string | null;
  type: string;
  ip: string | null;
  user_agent: string | null;
  /** JSON text; never secrets or personal data beyond what `type` implies. */
  detail: string | null;
  created_at: string;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    audit_events: AuditEventsTable;
  }
}
