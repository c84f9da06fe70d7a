// Avatars: an image in, two re-encoded sizes out, the profile pointed at the
// new one, the old one trashed, a face analysis queued. The order keeps the
// store and the database agreeing whatever fails: objects are recorded as
// staged, then written, then made live in the transaction that points the
// profile at them; a failure anywhere trashes what was written.
import type { BlobStore } from '../../platform/blob-store/blob-store.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Dialect } from '../../platform/db/database.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { afterCommit } from '../../platform/db/unit-of-work.ts';
import { commonError } from '../../platform/errors.ts';
import type { JobQueue } from '../../platform/outbox/job-queue.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import type { ProfilesService } from '../profiles/index.ts';
import { findUserById, userError } from '../users/index.ts';
import { AVATAR_SMALL_SIZE, type ProcessedAvatar, type SourceFormat } from './image/processed-image.ts';
import { FORMAT_NAMES, sniffImage } from './image/sniff.ts';
import { mediaError } from './media.errors.ts';
import { AVATAR_CHANGES_PER_USER } from './media.limits.ts';
import {
  type AvatarRow,
  deleteAvatar,
  findAvatar,
  insertStagedObjects,
  markObjectsLive,
  trashObjects,
  upsertAvatar,
} from './media.repository.ts';
import { avatarKeys, PUBLIC_CACHE_CONTROL } from './object-keys.ts';
import type { ObjectTrash } from './object-trash.ts';

export interface AvatarVariant {
  readonly url: string;
  readonly width: number;
  readonly height: number;
}

export interface AvatarView extends AvatarVariant {
  readonly contentType: string;
  /** Every size, largest first. */
  readonly variants: readonly AvatarVariant[];
  readonly createdAt: string;
  /** null until the analysis has run (or when it failed). */
  readonly faceDetected: boolean | null;
  readonly faceCount: number | null;
  readonly analyzedAt: string | null;
  readonly analysisError: string | null;
  /** Faces are required and none was found: the profile is flagged. */
  readonly flagged: boolean;
}

export interface UploadOptions {
  /** Only these formats (a surface whose document names fewer than Roster reads). */
  readonly formats?: readonly SourceFormat[];
}

export interface AvatarsDeps {
  readonly db: Executor;
  readonly dialect: Dialect;
  readonly clock: Clock;
  readonly guard: RateGuard;
  readonly blobStore: BlobStore;
  readonly jobs: JobQueue;
  readonly trash: ObjectTrash;
  readonly mediaUrl: (key: string) => string;
  readonly profiles: Pick<ProfilesService, 'setAvatar' | 'lock'>;
  /** Decodes, checks and re-encodes (image/process-avatar.ts, behind the concurrency limit). */
  readonly process: (bytes: Buffer) => Promise<ProcessedAvatar>;
  /** Uses a direct upload's bytes, once (the uploads service). */
  readonly useUpload: <T>(
    userId: string,
    uploadKey: string,
    use: (bytes: Buffer) => Promise<T>,
  ) => Promise<T>;
  readonly requireFace: boolean;
}

export function createAvatarsService(deps: AvatarsDeps) {
  const { db, clock, blobStore, trash, mediaUrl, profiles } = deps;

  const view = (row: AvatarRow): AvatarView => {
    const faceCount = row.face_count === null ? null : Number(row.face_count);
    return {
      url: mediaUrl(row.object_key),
      width: Number(row.width),
      height: Number(row.height),
      contentType: row.content_type,
      variants: [
        { url: mediaUrl(row.object_key), width: Number(row.width), height: Number(row.height) },
        { url: mediaUrl(row.small_key), width: AVATAR_SMALL_SIZE, height: AVATAR_SMALL_SIZE },
      ],
      createdAt: row.created_at,
      faceDetected: faceCount === null ? null : faceCount > 0,
      faceCount,
      analyzedAt: row.analyzed_at,
      analysisError: row.analysis_error,
      flagged: deps.requireFace && faceCount === 0,
    };
  };

  /** Makes `bytes` the user's avatar; the caller has checked who the user is. */
  async function install(userId: string, bytes: Buffer): Promise<AvatarView> {
    const image = await deps.process(bytes);
    const keys = avatarKeys(image.extension);
    const staged = [
      { key: keys.large, image: image.large, kind: 'avatar' as const },
      { key: keys.small, image: image.small, kind: 'avatar_small' as const },
    ];
    const iso = clock.now().toISOString();
    await insertStagedObjects(
      db,
      staged.map((s) => ({
        key: s.key,
        ownerId: userId,
        kind: s.kind,
        contentType: image.contentType,
        size: s.image.data.length,
      })),
      iso,
    );
    const written = staged.map((s) => s.key);
    let committed = false;
    try {
      // Every put settles before a failure is acted on: a write still in flight
      // when its sibling failed would otherwise land after the discard below
      // deleted its key, leaving bytes no row knows of.
      const puts = await Promise.allSettled(
        staged.map((s) =>
          blobStore.put(s.key, s.image.data, {
            contentType: image.contentType,
            size: s.image.data.length,
            cacheControl: PUBLIC_CACHE_CONTROL,
          }),
        ),
      );
      const failed = puts.find((p): p is PromiseRejectedResult => p.status === 'rejected');
      if (failed)
        // The store is down or refusing: a dependency outage, worth a retry.
        throw commonError('service_unavailable', {
          detail: 'Storage is unavailable; retry shortly.',
          retryAfter: 5,
          internal: 'blob store put failed',
          cause: failed.reason,
        });
      const row = await inTransaction(db, async (trx) => {
        const at = clock.now();
        // The first effect after COMMIT: from then on the objects are the avatar's, whatever follows.
        await afterCommit(trx, () => {
          committed = true;
        });
        // Serialises two uploads by one user: each sees the other's avatar as the old one.
        await profiles.lock(trx, [userId]);
        const user = await findUserById(trx, userId);
        if (!user || user.status === 'deleted') throw userError('user_not_found');
        // The objects were swept meanwhile (the store took longer than the staged grace): nothing to point at.
        if ((await markObjectsLive(trx, written, iso)) !== written.length)
          throw commonError('service_unavailable', { detail: 'Storage was too slow; retry shortly.' });
        const old = await findAvatar(trx, userId);
        const next = {
          user_id: userId,
          object_key: keys.large,
          small_key: keys.small,
          width: image.large.width,
          height: image.large.height,
          content_type: image.contentType,
          source_format: image.source.format,
          created_at: at.toISOString(),
        };
        await upsertAvatar(trx, next);
        if (old) await trashAfterCommit(trx, [old.object_key, old.small_key], at);
        await profiles.setAvatar(trx, userId, keys.large, at);
        await deps.jobs.queue(trx, 'avatar_analysis', { objectKey: keys.large });
        return { ...next, face_count: null, analyzed_at: null, analysis_error: null };
      });
      return view(row);
    } catch (error) {
      if (!committed) await trash.discard(written);
      throw error;
    }
  }

  /** Trashes objects in `trx`; their bytes go once it commits. */
  async function trashAfterCommit(trx: Executor, keys: string[], at: Date): Promise<void> {
    await trashObjects(trx, keys, at.toISOString());
    await afterCommit(trx, () => trash.deleteNow(keys));
  }

  return {
    install,

    /** An upload through the API: rate limited per user, then installed. */
    async upload(userId: string, bytes: Buffer, options: UploadOptions = {}): Promise<AvatarView> {
      await deps.guard.perUser('avatar-change', userId, AVATAR_CHANGES_PER_USER);
      const { formats } = options;
      if (formats && !formats.includes(sniffImage(bytes).format))
        throw mediaError('unsupported_image_type', {
          detail: `Send a ${formats.map((f) => FORMAT_NAMES[f]).join(', ')} image (judged by its content).`,
        });
      return install(userId, bytes);
    },

    /** A direct upload made the avatar; the rate limit is checked before the key is used. */
    async setFromUpload(userId: string, uploadKey: string): Promise<AvatarView> {
      await deps.guard.perUser('avatar-change', userId, AVATAR_CHANGES_PER_USER);
      return deps.useUpload(userId, uploadKey, (bytes) => install(userId, bytes));
    },

    async get(userId: string): Promise<AvatarView> {
      const row = await findAvatar(db, userId);
      if (!row) throw mediaError('avatar_not_found');
      return view(row);
    },

    async remove(userId: string): Promise<void> {
      await inTransaction(db, async (trx) => {
        const at = clock.now();
        await profiles.lock(trx, [userId]);
        const old = await findAvatar(trx, userId);
        if (!old) throw mediaError('avatar_not_found');
        await deleteAvatar(trx, userId);
        await trashAfterCommit(trx, [old.object_key, old.small_key], at);
        await profiles.setAvatar(trx, userId, null, at);
      });
    },
  };
}

export type AvatarsService = ReturnType<typeof createAvatarsService>;
