// What the media module does when an account goes: every object the user
// owns becomes trash, every upload they made or claimed goes with its bytes
// (unprocessed sign-up photos too), and the avatar row goes. The bytes are
// deleted once the erasure commits; the sweep retries what fails.
import type { Executor } from '../../platform/db/executor.ts';
import { afterCommit } from '../../platform/db/unit-of-work.ts';
import type { Hooks } from '../../platform/hooks.ts';
import {
  deleteAvatar,
  deleteUpload,
  insertTrash,
  listUploadsOfUser,
  trashObjectsOfOwner,
} from './media.repository.ts';
import type { ObjectTrash } from './object-trash.ts';

export async function forgetMedia(
  trx: Executor,
  trash: ObjectTrash,
  userId: string,
  at: Date,
): Promise<void> {
  const iso = at.toISOString();
  const keys = await trashObjectsOfOwner(trx, userId, iso);
  for (const upload of await listUploadsOfUser(trx, userId)) {
    await insertTrash(trx, upload.object_key, upload.content_type, iso);
    await deleteUpload(trx, upload.id);
    keys.push(upload.object_key);
  }
  await deleteAvatar(trx, userId);
  await afterCommit(trx, () => trash.deleteNow(keys));
}

export function registerMediaHooks(hooks: Hooks, trash: ObjectTrash): void {
  hooks.on('accountErased', (trx, e) => forgetMedia(trx, trash, e.userId, e.at));
}
