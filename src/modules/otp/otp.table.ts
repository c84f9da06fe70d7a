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
