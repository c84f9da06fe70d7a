/** When each user was last seen (a request with a session's token) and last signed in. */
export interface UserPresenceTable {
  user_id: string;
  seen_at: string | null;
  signed_in_at: string | null;
}

// Registers this table with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    user_presence: UserPresenceTable;
  }
}
