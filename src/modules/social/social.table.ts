export type FollowStatus = 'following' | 'requested';

export interface FollowsTable {
  /** UUIDv7; names the request while it is pending. */
  id: string;
  follower_id: string;
  followee_id: string;
  status: FollowStatus;
  created_at: string;
  /** When the follow took effect; null while requested. */
  since: string | null;
}

export interface BlocksTable {
  id: string;
  blocker_id: string;
  blocked_id: string;
  created_at: string;
}

export interface BookmarksTable {
  id: string;
  user_id: string;
  target_id: string;
  created_at: string;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    follows: FollowsTable;
    blocks: BlocksTable;
    bookmarks: BookmarksTable;
  }
}
