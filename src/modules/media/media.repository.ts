// The media module's rows: objects in the blob store and their state, direct
// uploads, and avatars. Executor-first; the services own the transactions.
import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/executor.ts';
import type { MediaAvatarsTable, MediaObjectKind, MediaUploadsTable, UploadPurpose } from './media.table.ts';

export type AvatarRow = Selectable<MediaAvatarsTable>;
export type UploadRow = Selectable<MediaUploadsTable>;

export interface NewObject {
  readonly key: string;
  readonly ownerId: string;
  readonly kind: MediaObjectKind;
  readonly contentType: string;
  readonly size: number;
}

/** Records objects about to be written: a crash before they are referenced leaves rows the sweep finds. */
export async function insertStagedObjects(
  db: Executor,
  objects: readonly NewObject[],
  now: string,
): Promise<void> {
  await db
    .insertInto('media_objects')
    .values(
      objects.map((o) => ({
        key: o.key,
        owner_id: o.ownerId,
        kind: o.kind,
        state: 'staged' as const,
        content_type: o.contentType,
        size: o.size,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
}

/** Staged objects become live; answers how many were still staged (an erasure may have trashed them). */
export async function markObjectsLive(db: Executor, keys: readonly string[], now: string): Promise<number> {
  const result = await db
    .updateTable('media_objects')
    .set({ state: 'live', updated_at: now })
    .where('key', 'in', keys)
    .where('state', '=', 'staged')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Marks objects for deletion and forgets whose they were. */
export async function trashObjects(db: Executor, keys: readonly string[], now: string): Promise<void> {
  if (keys.length === 0) return;
  await db
    .updateTable('media_objects')
    .set({ state: 'trash', owner_id: null, updated_at: now })
    .where('key', 'in', keys)
    .execute();
}

/** Every object a user owns, in any state, becomes trash; answers their keys. */
export async function trashObjectsOfOwner(db: Executor, ownerId: string, now: string): Promise<string[]> {
  const rows = await db.selectFrom('media_objects').select('key').where('owner_id', '=', ownerId).execute();
  const keys = rows.map((r) => r.key);
  await trashObjects(db, keys, now);
  return keys;
}

/** An object that was never tracked (a direct upload's bytes) joins the trash. */
export async function insertTrash(
  db: Executor,
  key: string,
  contentType: string,
  now: string,
): Promise<void> {
  await db
    .insertInto('media_objects')
    .values({
      key,
      owner_id: null,
      kind: 'upload',
      state: 'trash',
      content_type: contentType,
      size: 0,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('key').doUpdateSet({ state: 'trash', owner_id: null, updated_at: now }))
    .execute();
}

/** Objects to delete from the store: trash, and staged ones older than `stagedBefore` (a crash mid-upload). */
export async function listSweepable(db: Executor, stagedBefore: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('media_objects')
    .select('key')
    .where((eb) =>
      eb.or([
        eb('state', '=', 'trash'),
        eb.and([eb('state', '=', 'staged'), eb('updated_at', '<', stagedBefore)]),
      ]),
    )
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.key);
}

export async function deleteObjectRows(db: Executor, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .deleteFrom('media_objects')
    .where('key', 'in', keys)
    .where('state', 'in', ['trash', 'staged'])
    .execute();
}

export async function isLiveObject(db: Executor, key: string): Promise<boolean> {
  const r = await db
    .selectFrom('media_objects')
    .select('key')
    .where('key', '=', key)
    .where('state', '=', 'live')
    .executeTakeFirst();
  return r !== undefined;
}

export interface NewUpload {
  readonly id: string;
  readonly keyHash: string;
  readonly ownerId: string | null;
  readonly purpose: UploadPurpose;
  readonly contentType: string;
  readonly size: number;
  readonly objectKey: string;
  readonly urlExpiresAt: string;
  readonly claimExpiresAt: string;
}

export async function insertUpload(db: Executor, u: NewUpload, now: string): Promise<void> {
  await db
    .insertInto('media_uploads')
    .values({
      id: u.id,
      key_hash: u.keyHash,
      owner_id: u.ownerId,
      purpose: u.purpose,
      content_type: u.contentType,
      size: u.size,
      object_key: u.objectKey,
      created_at: now,
      url_expires_at: u.urlExpiresAt,
      claim_expires_at: u.claimExpiresAt,
      claimed_by: null,
      claimed_at: null,
    })
    .execute();
}

export const findUploadByHash = (db: Executor, keyHash: string): Promise<UploadRow | undefined> =>
  db.selectFrom('media_uploads').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();

export const findUploadById = (db: Executor, id: string): Promise<UploadRow | undefined> =>
  db.selectFrom('media_uploads').selectAll().where('id', '=', id).executeTakeFirst();

export const findUploadByObjectKey = (db: Executor, objectKey: string): Promise<UploadRow | undefined> =>
  db.selectFrom('media_uploads').selectAll().where('object_key', '=', objectKey).executeTakeFirst();

/**
 * Claims an unclaimed, unexpired upload for `userId` (keeping its row until
 * `keepUntil` when given); false when another claim (or expiry) came first.
 */
export async function claimUpload(
  db: Executor,
  id: string,
  userId: string,
  now: string,
  keepUntil?: string,
): Promise<boolean> {
  const result = await db
    .updateTable('media_uploads')
    .set({ claimed_by: userId, claimed_at: now, ...(keepUntil ? { claim_expires_at: keepUntil } : {}) })
    .where('id', '=', id)
    .where('claimed_at', 'is', null)
    .where('claim_expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives a claimed upload back (its bytes could not be read: the store failed). */
export async function unclaimUpload(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('media_uploads')
    .set({ claimed_by: null, claimed_at: null })
    .where('id', '=', id)
    .execute();
}

export async function deleteUpload(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('media_uploads').where('id', '=', id).execute();
}

/** Uploads past their claim expiry: unused ones, and used ones kept to answer a second use. */
export async function listExpiredUploads(db: Executor, now: string, limit: number): Promise<UploadRow[]> {
  return db
    .selectFrom('media_uploads')
    .selectAll()
    .where('claim_expires_at', '<=', now)
    .orderBy('claim_expires_at')
    .limit(limit)
    .execute();
}

/** Uploads a user made or claimed (erasure). */
export const listUploadsOfUser = (db: Executor, userId: string): Promise<UploadRow[]> =>
  db
    .selectFrom('media_uploads')
    .selectAll()
    .where((eb) => eb.or([eb('owner_id', '=', userId), eb('claimed_by', '=', userId)]))
    .execute();

export const findAvatar = (db: Executor, userId: string): Promise<AvatarRow | undefined> =>
  db.selectFrom('media_avatars').selectAll().where('user_id', '=', userId).executeTakeFirst();

export const findAvatarByKey = (db: Executor, objectKey: string): Promise<AvatarRow | undefined> =>
  db.selectFrom('media_avatars').selectAll().where('object_key', '=', objectKey).executeTakeFirst();

export async function upsertAvatar(
  db: Executor,
  row: Omit<AvatarRow, 'face_count' | 'analyzed_at' | 'analysis_error'>,
): Promise<void> {
  const fresh = { ...row, face_count: null, analyzed_at: null, analysis_error: null };
  const { user_id: _, ...update } = fresh;
  await db
    .insertInto('media_avatars')
    .values(fresh)
    .onConflict((oc) => oc.column('user_id').doUpdateSet(update))
    .execute();
}

export async function deleteAvatar(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('media_avatars').where('user_id', '=', userId).execute();
}

/** Records a face analysis on the avatar it was made for, if that is still the user's avatar. */
export async function recordAnalysis(
  db: Executor,
  objectKey: string,
  result: { faceCount: number | null; error: string | null; at: string },
): Promise<void> {
  await db
    .updateTable('media_avatars')
    .set({ face_count: result.faceCount, analysis_error: result.error, analyzed_at: result.at })
    .where('object_key', '=', objectKey)
    .execute();
}
