// Reading objects: who may have a signed link to which object, and what the
// `/media/{key}` route may serve. Public avatars are read by anyone under
// their plain URL; everything else only through a signed, time-limited link.
// A link that carries a signature is judged by it alone: an altered or
// expired one is refused even for an object that is public anyway.
import type { BlobBody, BlobInfo, BlobStore, ByteRange } from '../../platform/blob-store/blob-store.ts';
import { isObjectKey } from '../../platform/blob-store/blob-store.ts';
import { verifyMediaSignature } from '../../platform/blob-store/signed-url.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/executor.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import { mediaError } from './media.errors.ts';
import { LINKS_PER_USER } from './media.limits.ts';
import { findUploadByObjectKey, isLiveObject } from './media.repository.ts';
import { isPublicKey } from './object-keys.ts';

/** Signed links live from 1 s to 7 days (S3's own ceiling for presigned URLs). */
export const LINK_MIN_SECONDS = 1;
export const LINK_MAX_SECONDS = 7 * 24 * 3600;

/** The query of a signed link to Roster itself. */
export interface LinkProof {
  readonly expires?: string | undefined;
  readonly signature?: string | undefined;
}

export function createMediaObjects(deps: {
  db: Executor;
  clock: Clock;
  guard: RateGuard;
  blobStore: BlobStore;
  signingKey: string;
}) {
  const { db, clock, blobStore } = deps;

  /** Whether the user may read the object: a live public avatar, or an upload of theirs. */
  async function mayRead(userId: string, key: string): Promise<boolean> {
    if (isPublicKey(key)) return isLiveObject(db, key);
    const upload = await findUploadByObjectKey(db, key);
    if (!upload) return false;
    return upload.owner_id === userId || upload.claimed_by === userId;
  }

  /**
   * Refuses what the route must not serve; answers nothing when the read may
   * go ahead. The expiry is checked as written (digits only), so one link has
   * one URL. A private object is served only while its upload is on record:
   * a link made before the upload was used, expired or erased reads nothing.
   */
  async function admit(key: string, proof: LinkProof): Promise<void> {
    if (!isObjectKey(key)) throw mediaError('media_not_found');
    if (proof.expires === undefined && proof.signature === undefined) {
      if (isPublicKey(key)) return;
      throw mediaError('signed_link_required');
    }
    const verdict = verifyMediaSignature(
      {
        method: 'GET',
        key,
        expires: proof.expires ?? '',
        signature: proof.signature ?? '',
        now: clock.now(),
      },
      deps.signingKey,
    );
    if (verdict !== 'ok') throw mediaError('signed_link_invalid');
    if (!isPublicKey(key)) {
      const upload = await findUploadByObjectKey(db, key);
      if (!upload || upload.claimed_at !== null) throw mediaError('media_not_found');
    }
  }

  return {
    /** A signed, time-limited URL that reads `key` (S3's presigned GET, or Roster's own). */
    async link(userId: string, key: string, expiresInSeconds: number) {
      await deps.guard.perUser('media-link', userId, LINKS_PER_USER);
      // Unknown and forbidden look alike: a key is not confirmed to someone who may not read it.
      if (!isObjectKey(key) || !(await mayRead(userId, key))) throw mediaError('media_not_found');
      const expiresAt = new Date(clock.now().getTime() + expiresInSeconds * 1000);
      // A raw upload's bytes were never checked: a download, never shown inline.
      const url = await blobStore.presignGet(key, { expiresAt, attachment: !isPublicKey(key) });
      return { url, expiresAt: expiresAt.toISOString() };
    },

    /** The object's metadata, when the route may serve it. */
    async stat(key: string, proof: LinkProof): Promise<BlobInfo> {
      await admit(key, proof);
      const info = await blobStore.head(key);
      if (!info) throw mediaError('media_not_found');
      return info;
    },

    /** The object's bytes (a range of them), when the route may serve it. */
    async open(key: string, proof: LinkProof, range?: ByteRange): Promise<BlobBody> {
      await admit(key, proof);
      const blob = await blobStore.get(key, range);
      if (!blob) throw mediaError('media_not_found');
      return blob;
    },
  };
}

export type MediaObjects = ReturnType<typeof createMediaObjects>;
