// Deleting objects from the blob store without leaving orphans. A row says an
// object is trash in the same transaction as the change that drops it (an
// avatar replaced, an account erased); the bytes go right after the commit,
// and whatever fails then, or whatever a crash left staged, the periodic sweep
// deletes later. The store is never written to inside a transaction.
import type { BlobStore } from '../../platform/blob-store/blob-store.ts';
import type { Clock } from '../../platform/clock.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import {
  deleteObjectRows,
  deleteUpload,
  insertTrash,
  listExpiredUploads,
  listSweepable,
  trashObjects,
} from './media.repository.ts';

/** Staged objects older than this were left by a crash or a failed request. */
export const STAGED_GRACE_MS = 60 * 60_000; // 1 h
const BATCH = 100;

export interface TrashLogger {
  warn(fields: object, message: string): void;
}

export function createObjectTrash(deps: {
  db: Executor;
  blobStore: BlobStore;
  clock: Clock;
  logger: TrashLogger;
}) {
  const { db, blobStore, clock, logger } = deps;

  /** Deletes the bytes, then the rows; a key whose bytes could not go stays for the sweep. */
  async function deleteNow(keys: readonly string[]): Promise<number> {
    const gone: string[] = [];
    await Promise.all(
      keys.map(async (key) => {
        try {
          await blobStore.delete(key);
          gone.push(key);
        } catch (err) {
          logger.warn({ err, key }, 'media object not deleted; the sweep retries');
        }
      }),
    );
    try {
      await deleteObjectRows(db, gone);
    } catch (err) {
      // Runs after a commit: the change stands; the rows stay trash and the sweep finds them again.
      logger.warn({ err }, 'media trash rows not deleted; the sweep retries');
    }
    return gone.length;
  }

  return {
    deleteNow,

    /** Objects written for a change that did not happen: trash them and try to delete them now. */
    async discard(keys: readonly string[]): Promise<void> {
      try {
        await trashObjects(db, keys, clock.now().toISOString());
        await deleteNow(keys);
      } catch (err) {
        logger.warn({ err }, 'media objects not discarded; the sweep retries');
      }
    },

    /**
     * One sweep: uploads past their claim expiry go (their bytes join the trash), then the
     * trash and stale staged objects are deleted, batch after batch. Each
     * batch's rows change in a short transaction of their own.
     */
    async sweep(): Promise<number> {
      const now = clock.now();
      const iso = now.toISOString();
      for (;;) {
        const expired = await listExpiredUploads(db, iso, BATCH);
        if (expired.length === 0) break;
        await inTransaction(db, async (trx) => {
          for (const upload of expired) {
            await insertTrash(trx, upload.object_key, upload.content_type, iso);
            await deleteUpload(trx, upload.id);
          }
        });
        if (expired.length < BATCH) break;
      }
      const stagedBefore = new Date(now.getTime() - STAGED_GRACE_MS).toISOString();
      let deleted = 0;
      for (;;) {
        const keys = await listSweepable(db, stagedBefore, BATCH);
        if (keys.length === 0) return deleted;
        const gone = await deleteNow(keys);
        deleted += gone;
        // A batch whose deletes all failed would come back at once: the next sweep retries it.
        if (keys.length < BATCH || gone === 0) return deleted;
      }
    },
  };
}

export type ObjectTrash = ReturnType<typeof createObjectTrash>;
