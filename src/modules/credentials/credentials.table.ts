export interface CredentialsTable {
  id: string;
  user_id: string;
  /** One row per method: `password`, later `totp`, ... */
  type: string;
  /** A hash (password) or ciphertext (TOTP secret); never a plain secret. */
  secret: string;
  created_at: string;
  updated_at: string;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    credentials: CredentialsTable;
  }
}
