export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  idle_expires_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoke_reason: string | null;
  user_agent: string | null;
  ip: string | null;
  /** JSON list of authentication methods (RFC 8176 values: pwd, otp, sms, mfa). */
  amr: string;
  scope: string;
  /** The OAuth client acting for the user (the session is its grant); null for a first-party session. */
  client_id: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  session_id: string;
  created_at: string;
  used_at: string | null;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  private_key: string;
  created_at: string;
  retired_at: string | null;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  key_hash: string;
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    sessions: SessionsTable;
    refresh_tokens: RefreshTokensTable;
    signing_keys: SigningKeysTable;
    api_keys: ApiKeysTable;
  }
}
