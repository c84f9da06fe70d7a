/** Per user and achievement type: progress (`value`) towards the type's target (`total`). */
export interface AchievementsTable {
  id: string;
  user_id: string;
  /** An ROSTER_ACHIEVEMENTS type. */
  type: string;
  total: number;
  value: number;
  /** Bumped by every change of value or total. */
  version: number;
  created_at: string;
  updated_at: string;
}

// Registers this table with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    achievements: AchievementsTable;
  }
}
