// The blob store port: where media bytes live. Two drivers implement it, the
// filesystem (the default, `<data dir>/media`) and S3-compatible storage; one
// contract suite runs on both. Keys are validated by `isObjectKey` before any
// driver sees them, so no key can name a path outside the store.
import type { Readable } from 'node:stream';

export interface BlobInfo {
  readonly key: string;
  readonly size: number;
  readonly contentType: string;
  /** A strong entity tag, quoted as HTTP wants it (`"…"`). */
  readonly etag: string;
  readonly lastModified: Date;
}

export interface PutOptions {
  readonly contentType: string;
  /** When given, a body of any other length is refused and nothing is stored. */
  readonly size?: number;
  /** Stored with the object where the store serves it itself (S3 behind MEDIA_PUBLIC_URL). */
  readonly cacheControl?: string;
}

/** An inclusive byte range, as HTTP's Range header names one. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface BlobBody {
  readonly info: BlobInfo;
  /** The bytes asked for (the range when one was given), streamed. */
  readonly body: Readable;
}

export interface PresignedPut {
  readonly url: string;
  readonly method: 'PUT';
  /** Headers the client must send exactly (content type and length are signed). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface PresignPutOptions {
  readonly contentType: string;
  readonly size: number;
  readonly expiresAt: Date;
}

export interface PresignGetOptions {
  readonly expiresAt: Date;
  /** Served as a download, never shown inline (bytes nobody has checked, such as a raw upload). */
  readonly attachment?: boolean;
}

/** A body whose length is not the `size` it was put with: nothing was stored. */
export class BlobSizeMismatchError extends Error {
  constructor() {
    super('body length does not match the declared size');
    this.name = 'BlobSizeMismatchError';
  }
}

export interface BlobStore {
  readonly driver: 'fs' | 's3';
  /** Writes the whole object or nothing (a reader never sees half an object). */
  put(key: string, body: Buffer | Readable, options: PutOptions): Promise<BlobInfo>;
  /** The object streamed, or null when there is none. */
  get(key: string, range?: ByteRange): Promise<BlobBody | null>;
  head(key: string): Promise<BlobInfo | null>;
  /** Idempotent: deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Keys under a prefix, at most `limit` (operators and tests: Roster tracks its objects in the database). */
  list(prefix: string, limit?: number): Promise<string[]>;
  /** A URL the client PUTs the object to directly, valid until `expiresAt`. */
  presignPut(key: string, options: PresignPutOptions): Promise<PresignedPut>;
  /** A URL that reads the object until `expiresAt`. */
  presignGet(key: string, options: PresignGetOptions): Promise<string>;
  close(): Promise<void>;
}

// Lower-case segments of letters, digits, '.', '_' and '-', separated by '/',
// no segment of dots only: nothing that a filesystem or URL could read as a
// step up, a root, a drive or an escape.
const SEGMENT = /^(?!\.+$)[a-z0-9][a-z0-9._-]{0,127}$/;

/**
 * A list prefix: a key's folders and the start of a segment ('avatars/',
 * 'avatars/u1/a'), or empty.
 */
export function isObjectPrefix(prefix: string): boolean {
  const cut = prefix.lastIndexOf('/');
  return (cut < 0 || isObjectKey(prefix.slice(0, cut))) && /^[a-z0-9._-]*$/.test(prefix.slice(cut + 1));
}

export function isObjectKey(key: string): boolean {
  if (key.length === 0 || key.length > 512) return false;
  const segments = key.split('/');
  return segments.length <= 6 && segments.every((segment) => SEGMENT.test(segment));
}
