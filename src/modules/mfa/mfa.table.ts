export interface MfaFactorsTable {
  id: string;
  user_id: string;
  /** `totp` or `email`. */
  type: string;
  /** TOTP secret, encrypted; null for email codes. */
  secret: string | null;
  last_used_step: number | null;
  enabled_at: string | null;
  created_at: string;
}

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: string | null;
  created_at: string;
}

export interface MfaChallengesTable {
  id: string;
  token_hash: string;
  user_id: string;
  amr: string;
  attempts: number;
  expires_at: string;
  consumed_at: string | null;
  created_at: string;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    mfa_factors: MfaFactorsTable;
    recovery_codes: RecoveryCodesTable;
    mfa_challenges: MfaChallengesTable;
  }
}
