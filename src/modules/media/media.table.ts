/** upload: a direct upload's bytes, tracked here only once they are trash. */
export type MediaObjectKind = 'avatar' | 'avatar_small' | 'upload';
/** staged: written or being written, not yet referenced; live: referenced; trash: to be deleted. */
export type MediaObjectState = 'staged' | 'live' | 'trash';
export type UploadPurpose = 'avatar' | 'signup-avatar';

export interface MediaObjectsTable {
  key: string;
  owner_id: string | null;
  kind: MediaObjectKind;
  state: MediaObjectState;
  content_type: string;
  size: number;
  created_at: string;
  updated_at: string;
}

export interface MediaUploadsTable {
  id: string;
  /** HMAC-SHA256 of the upload key: the key is a bearer capability, kept like a secret. */
  key_hash: string;
  /** null: an anonymous sign-up upload. */
  owner_id: string | null;
  purpose: UploadPurpose;
  content_type: string;
  size: number;
  object_key: string;
  created_at: string;
  url_expires_at: string;
  claim_expires_at: string;
  claimed_by: string | null;
  claimed_at: string | null;
}

export interface MediaAvatarsTable {
  user_id: string;
  object_key: string;
  small_key: string;
  width: number;
  height: number;
  content_type: string;
  source_format: string;
  created_at: string;
  face_count: number | null;
  analyzed_at: string | null;
  analysis_error: string | null;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../../platform/db/database.types.ts' {
  interface Tables {
    media_objects: MediaObjectsTable;
    media_uploads: MediaUploadsTable;
    media_avatars: MediaAvatarsTable;
  }
}
