// The `avatar_analysis` job: face detection on a new avatar, off the request
// path. It records whether the avatar shows faces and how many; when the
// operator requires a face (ROSTER_AVATAR_REQUIRE_FACE), a profile whose
// avatar shows none is flagged. The upload itself is kept either way.
// Detection only: nothing about the person in the photo is inferred.
import type { BlobStore } from '../../platform/blob-store/blob-store.ts';
import { readCapped } from '../../platform/blob-store/read-capped.ts';
import type { Clock } from '../../platform/clock.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { DomainError } from '../../platform/domain-error.ts';
import type { ProfilesService } from '../profiles/index.ts';
import { type FaceDetector, FaceDetectorUnavailableError, type RgbImage } from './faces/face-detector.ts';
import { findAvatarByKey, recordAnalysis } from './media.repository.ts';

/** What the owner reads in `analysisError`; the cause goes to the log. */
export const ANALYSIS_FAILED = 'The image could not be analysed';
/** Avatars are small re-encodings; anything larger is not one of ours. */
const MAX_AVATAR_BYTES = 4 * 1024 * 1024;

export interface FaceAnalysisDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly blobStore: BlobStore;
  readonly detector: () => FaceDetector;
  readonly decode: (bytes: Buffer) => Promise<RgbImage>;
  readonly profiles: Pick<ProfilesService, 'flagAvatar'>;
  readonly requireFace: boolean;
  readonly logger: { warn(fields: object, message: string): void };
}

export function createFaceAnalysis(deps: FaceAnalysisDeps) {
  const { db, clock, blobStore } = deps;
  /** Analyses the avatar stored at `objectKey`, if it is still someone's avatar. */
  return async function analyze(objectKey: string): Promise<void> {
    const avatar = await findAvatarByKey(db, objectKey);
    if (!avatar) return; // replaced or erased since
    // A store that fails throws, and the outbox tries again later.
    const blob = await blobStore.get(objectKey);
    if (!blob) return;
    const bytes = await readCapped(blob.body, MAX_AVATAR_BYTES);
    let faceCount: number | null = null;
    let error: string | null = null;
    try {
      if (!bytes) throw new Error('avatar object is larger than any avatar');
      faceCount = (await deps.detector().detect(await deps.decode(bytes))).faces.length;
    } catch (err) {
      // The detector's thread or a decode slot is not there now: thrown, so the outbox tries again.
      if (
        err instanceof FaceDetectorUnavailableError ||
        (err instanceof DomainError && err.kind === 'unavailable')
      )
        throw err;
      // The model or the decoder failed on these bytes: trying again would fail again.
      deps.logger.warn({ err, objectKey }, 'face analysis failed');
      error = ANALYSIS_FAILED;
    }
    await inTransaction(db, async (trx) => {
      await recordAnalysis(trx, objectKey, { faceCount, error, at: clock.now().toISOString() });
      if (deps.requireFace && faceCount !== null)
        await deps.profiles.flagAvatar(trx, avatar.user_id, objectKey, faceCount === 0);
    });
  };
}
