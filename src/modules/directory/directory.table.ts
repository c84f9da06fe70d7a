/**
 * One search document per user: names, username and headline, lower-cased and
 * joined by U+001F. SQLite indexes it in the FTS5 trigram table
 * `user_search_fts` (kept by triggers), PostgreSQL with a pg_trgm GIN index.
 */
import type { Generated } from 'kysely';

export interface UserSearchTable {
  /** Sign-up order: the directory's sort key, and the FTS rowid on SQLite. */
  id: Generated<number>;
  user_id: string;
  doc: string;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    user_search: UserSearchTable;
  }
}
