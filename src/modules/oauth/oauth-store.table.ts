/**
 * The OpenID provider's records (grants, browser sessions, interactions,
 * codes, tokens), one table for every model; see oauth-store.ts.
 */
export interface OAuthStoreTable {
  /** oidc-provider's model name: Grant, Session, Interaction, AuthorizationCode, RefreshToken, ... */
  model: string;
  /** SHA-256 of the record's id: ids are bearer secrets (codes, refresh tokens, session cookies). */
  id_hash: string;
  /** The payload as JSON, encrypted (it holds the id itself). */
  payload: string;
  grant_id: string | null;
  /** A browser session's uid (Session.findByUid). */
  uid: string | null;
  /** The user: erasure removes their records. */
  account_id: string | null;
  expires_at: string | null;
  /** When a code or refresh token was used; set once, atomically. */
  consumed_at: string | null;
}

// Registers this table with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    oauth_store: OAuthStoreTable;
  }
}
