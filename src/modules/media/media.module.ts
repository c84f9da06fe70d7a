// The media module as the composition root builds it: avatars, direct
// uploads, signed links, the face analysis job, the sweep that deletes what
// nobody references, and its part of every account's erasure.
import type { Platform } from '../../platform/platform.ts';
import type { ProfilesService } from '../profiles/index.ts';
import { createAvatarsService } from './avatars.service.ts';
import { createFaceAnalysis } from './face-analysis.ts';
import type { FaceDetector } from './faces/face-detector.ts';
import { createWorkerFaceDetector } from './faces/worker-face-detector.ts';
import { decodeRgb, processAvatar } from './image/process-avatar.ts';
import { registerMediaHooks } from './media.hooks.ts';
import { createMediaObjects } from './media-objects.service.ts';
import { createObjectTrash } from './object-trash.ts';
import { createUploadsService } from './uploads.service.ts';

/** How often the sweep deletes trash, stale staged objects and unclaimed uploads. */
export const SWEEP_EVERY_MS = 10 * 60_000; // 10 min

export interface MediaModuleDeps {
  readonly profiles: Pick<ProfilesService, 'setAvatar' | 'flagAvatar' | 'lock'>;
  /** Face detection (tests may pass a lighter one); the packaged model by default, loaded on first use. */
  readonly faceDetector?: FaceDetector;
}

export function createMediaModule(p: Platform, deps: MediaModuleDeps) {
  const { db, clock, config, logger, blobStore } = p;
  const trash = createObjectTrash({ db, blobStore, clock, logger });
  registerMediaHooks(p.hooks, trash);
  const limits = { maxPixels: config.media.avatarMaxPixels };
  const uploads = createUploadsService({
    ...p,
    trash,
    keySecret: p.key('media-upload'),
    signingKey: p.key('media-url'),
    maxBytes: config.media.avatarMaxBytes,
  });
  const avatars = createAvatarsService({
    ...p,
    trash,
    profiles: deps.profiles,
    process: (bytes) => processAvatar(bytes, limits),
    useUpload: uploads.useForAvatar,
    requireFace: config.media.avatarRequireFace,
  });
  const objects = createMediaObjects({ ...p, signingKey: p.key('media-url') });
  let detector: FaceDetector | null = deps.faceDetector ?? null;
  const analyze = createFaceAnalysis({
    ...p,
    detector: () => {
      detector ??= createWorkerFaceDetector(clock);
      return detector;
    },
    decode: (bytes) => decodeRgb(bytes, 400),
    profiles: deps.profiles,
    requireFace: config.media.avatarRequireFace,
  });
  p.handleJobs('avatar_analysis', async (payload) => {
    const { objectKey } = payload as { objectKey?: unknown };
    if (typeof objectKey === 'string') await analyze(objectKey);
  });
  p.handleJobs('avatar_import', async (payload) => {
    const { uploadId } = payload as { uploadId?: unknown };
    if (typeof uploadId !== 'string') return;
    const outcome = await uploads.importClaimed(uploadId, avatars.install);
    if (outcome instanceof Error) logger.warn({ code: outcome.code }, 'sign-up photo not made an avatar');
  });
  let stopSweep: (() => void) | undefined;

  return {
    avatars,
    uploads,
    mediaObjects: objects,
    start(): void {
      stopSweep = clock.every(SWEEP_EVERY_MS, async () => {
        try {
          const deleted = await trash.sweep();
          if (deleted > 0) logger.info({ deleted }, 'media objects swept');
        } catch (err) {
          logger.warn({ err }, 'media sweep failed');
        }
      });
    },
    stopSweep(): void {
      stopSweep?.();
    },
    /** After the outbox worker has stopped: no analysis is running any more. */
    async close(): Promise<void> {
      await detector?.close();
    },
  };
}

export type MediaModule = ReturnType<typeof createMediaModule>;
