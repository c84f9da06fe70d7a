/**
 * One search document per user: names, username and headline, lower-cased and
 * joined by U+001F. SQLite indexes it in the FTS5 trigram table
 * `user_search_fts` (kept by triggers), PostgreSQL with a pg_trgm GIN index.
 */
export interface UserSearchTable {
  user_id: string;
  doc: string;
}
