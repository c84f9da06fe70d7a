/**
 * The directory's read model: one entry per account (deleted ones excepted)
 * holding what a search matches and filters on, written by the directory's
 * lifecycle hooks from the user record and the profile (directory.hooks.ts).
 * The document (names, username and headline, lower-cased and joined by
 * U+001F) is indexed by the FTS5 trigram table `user_search_fts` on SQLite
 * (listed entries only, with their tag keys, kept by triggers: 0026) and a
 * pg_trgm GIN index on PostgreSQL.
 */
import type { Generated } from 'kysely';
import type { UserRole } from '../users/index.ts';

export interface UserSearchTable {
  /** Sign-up order: the directory's sort key, and the FTS rowid on SQLite. */
  id: Generated<number>;
  user_id: string;
  doc: string;
  /** 1 while others may see the account (active, a verified address or number), else 0. */
  listed: Generated<number>;
  role: Generated<UserRole>;
  /** The account type (ROSTER_ACCOUNT_TYPES), or null: anyone may filter by it. */
  account_type: string | null;
  /** The profile's public score, the completeness filter's column. */
  public_completeness: Generated<number>;
  /** The tag keys, each between two U+001F ('' for none): the tag filter's column (migration 0025). */
  tag_keys: Generated<string>;
}

/** The tag keys of each entry, for the "carries all of these tags" filter. */
export interface UserSearchTagsTable {
  user_id: string;
  tag_key: string;
}

/** Listed entries per tag ('' for all), role, account type ('' for none) and public completeness. */
export interface DirectoryCountsTable {
  tag_key: string;
  role: string;
  account_type: string;
  completeness: number;
  n: number;
}

/** Listed entries whose document holds each gram of up to three characters, split over shards (migration 0024). */
export interface DirectoryGramCountsTable {
  gram: string;
  shard: number;
  n: number;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    user_search: UserSearchTable;
    user_search_tags: UserSearchTagsTable;
    directory_counts: DirectoryCountsTable;
    directory_gram_counts: DirectoryGramCountsTable;
  }
}
