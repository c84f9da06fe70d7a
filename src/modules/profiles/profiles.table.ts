import type { Generated } from 'kysely';

export interface ProfilesTable {
  user_id: string;
  display_name: string | null;
  middle_name: string | null;
  bio: string | null;
  pronouns: string | null;
  locale: string | null;
  timezone: string | null;
  location: string | null;
  headline: string | null;
  about: string | null;
  availability: string | null;
  /** In the person's own words (free text), like pronouns. */
  gender: string | null;
  /** A job title or role, such as "Software Engineer". */
  designation: string | null;
  /** One https link of the person's choice. */
  custom_link: string | null;
  /** JSON text: {country, state, city, address}. */
  contact: string | null;
  /** JSON text: {github, twitter, linkedin, website}. */
  socials: string | null;
  /** SQLite stores 0/1. */
  is_private: boolean | number;
  /** JSON text: the operator-defined fields (ROSTER_PROFILE_SCHEMA). */
  custom: string | null;
  /** The owner's score (GET /v1/me). */
  completeness: number;
  /** The score others see and the directory filters on: public parts only. */
  public_completeness: Generated<number>;
  /** Kept by the social graph in the same transaction as its edges. */
  follower_count: Generated<number>;
  following_count: Generated<number>;
  /** The avatar's blob key, set by the media module through the profiles service. */
  avatar_key: Generated<string | null>;
  /** 1 when faces are required (ROSTER_AVATAR_REQUIRE_FACE) and the avatar shows none. */
  avatar_flagged: Generated<number>;
  updated_at: string;
}

export interface TagsTable {
  key: string;
  name: string;
  color: string;
  usage_count: number;
  /** When the first user took the tag. */
  created_at: string | null;
}

export interface UserTagsTable {
  user_id: string;
  tag_key: string;
  position: number;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    profiles: ProfilesTable;
    tags: TagsTable;
    user_tags: UserTagsTable;
  }
}
