import type { Generated } from 'kysely';

export interface InviteCodesTable {
  /** HMAC-SHA256 of the normalised code (upper-case Crockford base32, no dashes). */
  code_hash: string;
  /** The code, encrypted under ROSTER_SECRET, for its owner's list. */
  code_encrypted: string;
  owner_id: string;
  created_at: string;
  used_by: string | null;
  used_at: string | null;
}

export interface ReferralCodesTable {
  user_id: string;
  code: string;
}

export interface ReferralsTable {
  referred_id: string;
  referrer_id: string;
  /** 1 once the referred account has verified an address or number (kept by the accountChanged hook). */
  verified: Generated<number>;
  created_at: string;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    invite_codes: InviteCodesTable;
    referral_codes: ReferralCodesTable;
    referrals: ReferralsTable;
  }
}
