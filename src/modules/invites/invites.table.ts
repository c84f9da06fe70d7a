export interface InviteCodesTable {
  /** Upper-case Crockford base32, no dashes. */
  code: string;
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
  created_at: string;
}
