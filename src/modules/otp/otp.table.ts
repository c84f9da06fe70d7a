import type { Generated } from 'kysely';

export interface OneTimeCodesTable {
  id: string;
  purpose: string;
  user_id: string | null;
  target: string;
  code_hash: string | null;
  token_hash: string | null;
  code_expires_at: string;
  token_expires_at: string | null;
  attempts: Generated<number>;
  consumed_at: string | null;
  created_at: string;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    one_time_codes: OneTimeCodesTable;
  }
}
