// The S3-compatible driver (AWS S3, MinIO, R2, GCS's XML API). Uploads and
// reads can go straight to the bucket through presigned URLs; the app only
// signs them.
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Clock } from '../clock.ts';
import {
  type BlobInfo,
  BlobSizeMismatchError,
  type BlobStore,
  isObjectKey,
  isObjectPrefix,
} from './blob-store.ts';
import { readCapped } from './read-capped.ts';

export interface S3BlobStoreOptions {
  readonly bucket: string;
  /** For servers other than AWS (MinIO, R2, a local s3rver). */
  readonly endpoint?: string | undefined;
  readonly region: string;
  /** `host/bucket/key` instead of `bucket.host/key`: what most self-hosted servers want. */
  readonly forcePathStyle: boolean;
  /** Otherwise the SDK's default chain (AWS_ACCESS_KEY_ID, profiles, instance roles). */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
  readonly clock: Clock;
}

/** S3 refuses presigned URLs that live longer than this. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

function assertKey(key: string): void {
  if (!isObjectKey(key)) throw new Error('invalid object key');
}

function assertPrefix(prefix: string): void {
  if (!isObjectPrefix(prefix)) throw new Error('invalid object key prefix');
}

/** The whole body, refusing one of another length than `size` as soon as that shows. */
async function readBody(body: Buffer | Readable, size: number | undefined): Promise<Buffer> {
  const bytes = Buffer.isBuffer(body) ? body : await readCapped(body, size ?? Number.POSITIVE_INFINITY);
  if (bytes === null || (size !== undefined && bytes.length !== size)) throw new BlobSizeMismatchError();
  return bytes;
}

const status = (error: unknown) =>
  error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;

export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const { bucket: Bucket, clock } = options;
  const client = new S3Client({
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    // By default the SDK adds CRC32 checksums: a streamed PutObject becomes an
    // aws-chunked body with a trailer, which servers that do not know it (s3rver,
    // older MinIO, some gateways) store verbatim, and a presigned PUT carries the
    // checksum of an empty body, so the real upload fails. Only where S3 demands one.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A store that hangs fails the request instead of holding it (and its
    // upload's memory) for ever; the SDK retries what failed fast.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
  });

  function expiresIn(expiresAt: Date): number {
    const seconds = Math.floor((expiresAt.getTime() - clock.now().getTime()) / 1000);
    if (seconds < 1 || seconds > MAX_PRESIGN_SECONDS)
      throw new RangeError('presigned URL expiry must be between 1 second and 7 days away');
    return seconds;
  }

  return {
    driver: 's3',

    async put(key, body, { contentType, size, cacheControl }) {
      assertKey(key);
      // Buffered (avatars are small): a length mismatch is refused before a byte
      // is sent, so no server can keep half an object, and the length is known.
      const bytes = await readBody(body, size);
      const result = await client.send(
        new PutObjectCommand({
          Bucket,
          Key: key,
          Body: bytes,
          ContentType: contentType,
          ContentLength: bytes.length,
          ...(cacheControl === undefined ? {} : { CacheControl: cacheControl }),
        }),
      );
      // PutObject's answer has no date; a HEAD would cost a round trip for a
      // value that only differs from ours by the server's clock.
      return { key, size: bytes.length, contentType, etag: result.ETag ?? '', lastModified: clock.now() };
    },

    async get(key, range) {
      assertKey(key);
      if (range && !(Number.isSafeInteger(range.start) && range.start >= 0 && range.end >= range.start))
        throw new RangeError('range not satisfiable');
      try {
        const result = await client.send(
          new GetObjectCommand({
            Bucket,
            Key: key,
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
        );
        // "bytes 0-3/11": the whole size is after the slash.
        const total = result.ContentRange ? Number(result.ContentRange.split('/')[1]) : result.ContentLength;
        const info = toInfo(key, { ...result, ContentLength: total });
        return { info, body: result.Body as Readable };
      } catch (error) {
        // By name, not 404: a missing bucket (NoSuchBucket) is a misconfiguration, not a miss.
        if (error instanceof S3ServiceException && error.name === 'NoSuchKey') return null;
        if (status(error) === 416) throw new RangeError('range not satisfiable');
        throw error;
      }
    },

    async head(key) {
      assertKey(key);
      try {
        // A HEAD answer has no body, so no error name: 404 is all there is.
        return toInfo(key, await client.send(new HeadObjectCommand({ Bucket, Key: key })));
      } catch (error) {
        if (status(error) === 404) return null;
        throw error;
      }
    },

    async delete(key) {
      assertKey(key);
      // S3 answers 204 for a missing key too.
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },

    async list(prefix, limit = 1000) {
      assertPrefix(prefix);
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({
            Bucket,
            Prefix: prefix,
            MaxKeys: Math.min(1000, limit - keys.length),
            ContinuationToken,
          }),
        );
        for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken && keys.length < limit);
      return keys.slice(0, limit);
    },

    async presignPut(key, { contentType, size, expiresAt }) {
      assertKey(key);
      if (!Number.isSafeInteger(size) || size < 0)
        throw new RangeError('size must be a non-negative integer');
      const command = new PutObjectCommand({
        Bucket,
        Key: key,
        ContentType: contentType,
        ContentLength: size,
      });
      const url = await getSignedUrl(client, command, {
        expiresIn: expiresIn(expiresAt),
        signingDate: clock.now(),
        // The presigner leaves the content type out of the signature unless told:
        // a link made for an image could otherwise store HTML.
        signableHeaders: new Set(['content-type']),
      });
      return { url, method: 'PUT', headers: { 'content-type': contentType, 'content-length': String(size) } };
    },

    async presignGet(key, { expiresAt, attachment }) {
      assertKey(key);
      const command = new GetObjectCommand({
        Bucket,
        Key: key,
        ...(attachment ? { ResponseContentDisposition: 'attachment' } : {}),
      });
      return getSignedUrl(client, command, {
        expiresIn: expiresIn(expiresAt),
        signingDate: clock.now(),
      });
    },

    async close() {
      client.destroy();
    },
  };
}

interface ObjectHeaders {
  readonly ContentLength?: number | undefined;
  readonly ContentType?: string | undefined;
  readonly ETag?: string | undefined;
  readonly LastModified?: Date | undefined;
}

function toInfo(key: string, headers: ObjectHeaders): BlobInfo {
  return {
    key,
    size: headers.ContentLength ?? 0,
    contentType: headers.ContentType ?? 'application/octet-stream',
    etag: headers.ETag ?? '',
    lastModified: headers.LastModified ?? new Date(0),
  };
}
