/** The applications that may ask users for access (OAuth clients), managed by operators. */
export interface OAuthClientsTable {
  /** The public client id (`rc_…`). */
  id: string;
  name: string;
  /** SHA-256 of the secret (256 random bits); null for a public client. */
  secret_hash: string | null;
  /** JSON arrays of exact strings: compared as written, never normalised. */
  redirect_uris: string;
  post_logout_redirect_uris: string;
  /** Space-separated, like OAuth scopes: what the client may ask for. */
  scopes: string;
  /** 1: the operator's own app; consent is not asked. */
  first_party: number;
  created_at: string;
  updated_at: string;
}

// Registers this table with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    oauth_clients: OAuthClientsTable;
  }
}
