export interface SecurityChangesTable {
  id: string;
  user_id: string;
  /** What changed: factor.enabled, factor.disabled, recovery_codes.replaced, phone.linked. */
  kind: string;
  /** JSON: what undoing needs (never a secret in clear: a TOTP secret stays encrypted, codes stay hashed). */
  undo_data: string;
  /** SHA-256 of the undo link's token. */
  token_hash: string;
  session_id: string | null;
  created_at: string;
  expires_at: string;
  undone_at: string | null;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    security_changes: SecurityChangesTable;
  }
}
