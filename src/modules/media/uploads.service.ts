// Direct uploads: the client asks for a short-lived signed URL, PUTs the
// bytes straight to the store (S3's presigned PUT, or Roster's own signed
// route for the filesystem driver), then names the upload key to use them.
// A key is a bearer capability: usable once, by the user it was made for
// (or, for a sign-up photo, by the sign-up that names it), before it expires,
// and only for bytes of the size and type it was made for.
import type { Readable } from 'node:stream';
import { BlobSizeMismatchError, type BlobStore, isObjectKey } from '../../platform/blob-store/blob-store.ts';
import { readCapped } from '../../platform/blob-store/read-capped.ts';
import { verifyMediaSignature } from '../../platform/blob-store/signed-url.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/executor.ts';
import { DomainError } from '../../platform/domain-error.ts';
import { commonError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { JobQueue } from '../../platform/outbox/job-queue.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { mediaError } from './media.errors.ts';
import { SIGNUP_UPLOADS_PER_IP, UPLOAD_URLS_PER_USER } from './media.limits.ts';
import {
  claimUpload,
  findUploadByHash,
  findUploadById,
  findUploadByObjectKey,
  insertTrash,
  insertUpload,
  type UploadRow,
  unclaimUpload,
} from './media.repository.ts';
import type { UploadPurpose } from './media.table.ts';
import { newUploadKey, uploadKeyHash, uploadObjectKey } from './object-keys.ts';
import type { ObjectTrash } from './object-trash.ts';

/** What a direct upload may carry: the formats an avatar accepts. */
export const UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif'] as const;
export const UPLOAD_PURPOSES = ['avatar', 'signup-avatar'] as const satisfies readonly UploadPurpose[];
/** How long the signed URL accepts the bytes. */
export const UPLOAD_URL_TTL_MS = 15 * 60_000;
/** How long the upload waits to be used: an avatar is set at once; a sign-up form may take a while. */
export const CLAIM_TTL_MS: Record<UploadPurpose, number> = {
  avatar: 60 * 60_000,
  'signup-avatar': 24 * 60 * 60_000,
};

export interface UploadInput {
  readonly contentType: string;
  readonly size: number;
  readonly purpose: UploadPurpose;
}

/** The query of a signed URL to Roster itself. */
export interface SignedProof {
  readonly expires?: string | undefined;
  readonly signature?: string | undefined;
}

export interface UploadTicket {
  readonly uploadUrl: string;
  readonly uploadKey: string;
  /** The object's key (for POST /v1/media/links while it waits to be used). */
  readonly key: string;
  readonly method: 'PUT';
  readonly headers: Readonly<Record<string, string>>;
  readonly expiresAt: string;
  readonly claimExpiresAt: string;
}

/** Who asks for an upload URL: a signed-in user, or nobody yet (a sign-up form). */
export type Uploader = { readonly userId: string } | { readonly anonymous: true };

export function createUploadsService(deps: {
  db: Executor;
  clock: Clock;
  guard: RateGuard;
  blobStore: BlobStore;
  jobs: JobQueue;
  trash: ObjectTrash;
  keySecret: string;
  /** The key Roster's own signed upload URLs are checked with (the filesystem driver signs with it). */
  signingKey: string;
  maxBytes: number;
}) {
  const { db, clock, blobStore } = deps;
  const hash = (uploadKey: string) => uploadKeyHash(deps.keySecret, uploadKey);

  function validate(input: UploadInput, uploader: Uploader): void {
    const errors = [];
    if (!(UPLOAD_TYPES as readonly string[]).includes(input.contentType))
      errors.push({ path: 'contentType', message: `must be one of ${UPLOAD_TYPES.join(', ')}` });
    if ('userId' in uploader && input.purpose !== 'avatar')
      errors.push({ path: 'purpose', message: 'a signed-in user uploads with purpose `avatar`' });
    if (errors.length > 0)
      throw commonError('validation_failed', { detail: 'Some fields are invalid; see errors.', errors });
    if ('anonymous' in uploader && input.purpose !== 'signup-avatar')
      throw commonError('unauthenticated', {
        detail: 'Only a sign-up photo (`signup-avatar`) may be uploaded without a token.',
      });
    if (input.size > deps.maxBytes)
      throw mediaError('image_too_large', { detail: `An upload may be at most ${deps.maxBytes} bytes.` });
  }

  /** An upload that is still the caller's to use, or why not. */
  function usable(upload: UploadRow | undefined, owner: string | null, purpose: UploadPurpose): UploadRow {
    if (!upload || upload.owner_id !== owner || upload.purpose !== purpose)
      throw mediaError('upload_not_found');
    if (upload.claimed_at !== null) throw mediaError('upload_used');
    if (clock.now().toISOString() >= upload.claim_expires_at) throw mediaError('upload_expired');
    return upload;
  }

  /**
   * The upload is used up: its bytes go (the sweep retries a failed delete).
   * Its row stays until the claim would have expired, so a second use is told
   * it was used and a late PUT to a still-valid URL is swept with it.
   */
  async function retireUpload(upload: UploadRow): Promise<void> {
    await insertTrash(db, upload.object_key, upload.content_type, clock.now().toISOString());
    await deps.trash.deleteNow([upload.object_key]);
  }

  async function readUpload(upload: UploadRow): Promise<Buffer | null> {
    const blob = await blobStore.get(upload.object_key);
    if (!blob) return null;
    const bytes = await readCapped(blob.body, upload.size);
    if (bytes === null || bytes.length !== upload.size || blob.info.contentType !== upload.content_type)
      throw mediaError('upload_mismatch');
    return bytes;
  }

  /** Final answers end the upload; a failing store or database leaves it to be tried again. */
  const isFinal = (error: unknown) =>
    error instanceof DomainError && error.kind !== 'unavailable' && error.kind !== 'rate_limited';

  return {
    async create(uploader: Uploader, input: UploadInput, context: RequestContext): Promise<UploadTicket> {
      validate(input, uploader);
      if ('userId' in uploader) await deps.guard.perUser('upload-url', uploader.userId, UPLOAD_URLS_PER_USER);
      else await deps.guard.perIp('signup-upload', context.ip, SIGNUP_UPLOADS_PER_IP);
      const now = clock.now();
      const id = newId();
      const uploadKey = newUploadKey();
      const objectKey = uploadObjectKey();
      const expiresAt = new Date(now.getTime() + UPLOAD_URL_TTL_MS);
      const claimExpiresAt = new Date(now.getTime() + CLAIM_TTL_MS[input.purpose]);
      await insertUpload(
        db,
        {
          id,
          keyHash: hash(uploadKey),
          ownerId: 'userId' in uploader ? uploader.userId : null,
          purpose: input.purpose,
          contentType: input.contentType,
          size: input.size,
          objectKey,
          urlExpiresAt: expiresAt.toISOString(),
          claimExpiresAt: claimExpiresAt.toISOString(),
        },
        now.toISOString(),
      );
      const signed = await blobStore.presignPut(objectKey, {
        contentType: input.contentType,
        size: input.size,
        expiresAt,
      });
      return {
        uploadUrl: signed.url,
        uploadKey,
        key: objectKey,
        method: signed.method,
        headers: signed.headers,
        expiresAt: expiresAt.toISOString(),
        claimExpiresAt: claimExpiresAt.toISOString(),
      };
    },

    /**
     * A signed PUT to Roster itself (the filesystem driver's direct uploads):
     * the signature covers the key, expiry, type and length; the bytes are
     * stored only while the upload waits for them, and streamed, never
     * buffered.
     */
    async receiveSigned(
      objectKey: string,
      proof: SignedProof,
      contentType: string,
      size: number,
      body: Readable,
    ) {
      if (!isObjectKey(objectKey)) throw mediaError('media_not_found');
      if (size > deps.maxBytes) throw mediaError('image_too_large');
      const verdict = verifyMediaSignature(
        {
          method: 'PUT',
          key: objectKey,
          expires: proof.expires ?? '',
          signature: proof.signature ?? '',
          contentType,
          size,
          now: clock.now(),
        },
        deps.signingKey,
      );
      if (verdict !== 'ok') throw mediaError('signed_link_invalid');
      const upload = await findUploadByObjectKey(db, objectKey);
      const now = clock.now().toISOString();
      if (!upload || upload.claimed_at !== null || now >= upload.url_expires_at)
        throw mediaError('signed_link_invalid');
      if (contentType !== upload.content_type || size !== upload.size) throw mediaError('upload_mismatch');
      try {
        await blobStore.put(objectKey, body, { contentType, size });
      } catch (error) {
        if (error instanceof BlobSizeMismatchError) throw mediaError('upload_mismatch');
        throw error;
      }
      // A slow body may finish after the upload was used, expired and swept, or
      // erased with its account: bytes nothing tracks any more go at once.
      const after = await findUploadByObjectKey(db, objectKey);
      if (!after || after.claimed_at !== null) {
        // Recorded as trash first, so a failed delete is retried by the sweep.
        await insertTrash(db, objectKey, contentType, clock.now().toISOString());
        await deps.trash.deleteNow([objectKey]);
        throw mediaError('signed_link_invalid');
      }
    },

    /**
     * A signed-in user's upload, used for their avatar: `use` gets its bytes,
     * once. The key is spent when `use` succeeds or fails for good (not an
     * image); when the store, the database or a full image queue fails, the
     * key is given back, so the retry the 503 asks for can use it.
     */
    async useForAvatar<T>(userId: string, uploadKey: string, use: (bytes: Buffer) => Promise<T>): Promise<T> {
      const upload = usable(await findUploadByHash(db, hash(uploadKey)), userId, 'avatar');
      // Nothing uploaded yet: the key stays usable, so the client can finish and retry.
      if (!(await blobStore.head(upload.object_key))) throw mediaError('upload_missing');
      if (!(await claimUpload(db, upload.id, userId, clock.now().toISOString())))
        throw mediaError('upload_used');
      let result: T;
      try {
        const bytes = await readUpload(upload);
        if (!bytes) throw mediaError('upload_missing');
        result = await use(bytes);
      } catch (error) {
        if (isFinal(error)) await retireUpload(upload);
        else await unclaimUpload(db, upload.id);
        throw error;
      }
      await retireUpload(upload);
      return result;
    },

    /** Refuses a sign-up naming an unusable photo, before the sign-up looks at its address. */
    async checkSignupKey(uploadKey: string): Promise<void> {
      const upload = usable(await findUploadByHash(db, hash(uploadKey)), null, 'signup-avatar');
      if (!(await blobStore.head(upload.object_key))) throw mediaError('upload_missing');
    },

    /** In a new account's transaction: the sign-up's photo becomes its avatar once processed (a job). */
    async claimForSignup(trx: Executor, uploadKey: string, userId: string): Promise<void> {
      const upload = await findUploadByHash(trx, hash(uploadKey));
      if (!upload || upload.owner_id !== null || upload.purpose !== 'signup-avatar') return;
      const now = clock.now();
      // The bytes are kept a full claim period from now, so the sweep cannot
      // take them while the import job waits or retries.
      const keepUntil = new Date(now.getTime() + CLAIM_TTL_MS['signup-avatar']).toISOString();
      // A concurrent sign-up naming the same key may win; this one goes on without a photo.
      if (await claimUpload(trx, upload.id, userId, now.toISOString(), keepUntil))
        await deps.jobs.queue(trx, 'avatar_import', { uploadId: upload.id });
    },

    /**
     * The `avatar_import` job: a claimed sign-up photo's bytes, handed to
     * `install`. A failing store, database or a full image queue is thrown, for
     * the outbox to try again; any other outcome (done, not an image, the
     * account gone) ends the upload.
     */
    async importClaimed(
      uploadId: string,
      install: (userId: string, bytes: Buffer) => Promise<unknown>,
    ): Promise<'imported' | 'nothing' | DomainError> {
      const upload = await findUploadById(db, uploadId);
      if (!upload?.claimed_by) return 'nothing';
      let outcome: 'imported' | 'nothing' | DomainError = 'nothing';
      try {
        const bytes = await readUpload(upload);
        if (bytes) {
          await install(upload.claimed_by, bytes);
          outcome = 'imported';
        }
      } catch (error) {
        if (!isFinal(error)) throw error;
        outcome = error as DomainError;
      }
      await retireUpload(upload);
      return outcome;
    },
  };
}

export type UploadsService = ReturnType<typeof createUploadsService>;
