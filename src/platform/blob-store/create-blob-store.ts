// Picks the blob store driver from STORAGE_URL. Unset: the filesystem under the
// data dir, so a single machine needs no set-up; `s3://bucket?…` when media must
// be shared by several app nodes or served from a bucket.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Clock, systemClock } from '../clock.ts';
import type { BlobStore } from './blob-store.ts';
import { deferredBlobStore } from './deferred-blob-store.ts';
import { createFsBlobStore } from './fs-blob-store.ts';

export type StorageTarget =
  | { readonly driver: 'fs'; readonly root: string }
  | {
      readonly driver: 's3';
      readonly bucket: string;
      readonly endpoint?: string;
      readonly region: string;
      readonly forcePathStyle: boolean;
    };

export interface BlobStoreConfig {
  /** STORAGE_URL; unset means `<dataDir>/media`. */
  readonly storageUrl?: string | undefined;
  readonly dataDir: string;
  /** PUBLIC_URL: where the filesystem driver's signed links point. */
  readonly publicUrl: string;
  readonly signingKey: Buffer | string;
  /** The filesystem driver dates objects and the S3 driver dates its signatures by it. */
  readonly clock?: Clock;
}

const S3_PARAMS = new Set(['endpoint', 'region', 'forcePathStyle']);
// S3's bucket naming rules (lower case, digits, dots, hyphens; 3 to 63 long).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z0-9-]{1,64}$/;

const fail = (url: string, why: string): never => {
  throw new Error(`STORAGE_URL ${JSON.stringify(url)}: ${why}`);
};

/** Reads STORAGE_URL; throws with a message naming the problem (config validation reports it). */
export function parseStorageUrl(url: string): StorageTarget {
  if (url.trim() === '') return fail(url, 'is empty');
  if (url.startsWith('s3://')) return parseS3(url);
  if (url.startsWith('file://')) return { driver: 'fs', root: fileURLToPath(url) };
  if (url.startsWith('file:'))
    return { driver: 'fs', root: resolve(url.slice('file:'.length) || fail(url, 'no path')) };
  // Any other scheme is a mistake (http:, minio:, s3a:); a one-letter one is a Windows drive.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  if (scheme && scheme.length > 1)
    return fail(url, `unknown scheme "${scheme}:" (use s3://bucket?…, file:<path> or a path)`);
  return { driver: 'fs', root: resolve(url) };
}

function parseS3(url: string): StorageTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return fail(url, 'is not a valid URL');
  }
  const bucket = parsed.hostname;
  if (!BUCKET.test(bucket))
    return fail(url, 'the bucket name must follow S3 naming rules (s3://my-bucket?…)');
  if (parsed.username || parsed.password)
    return fail(
      url,
      'credentials do not belong in the URL (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
    );
  if (parsed.port || (parsed.pathname !== '' && parsed.pathname !== '/'))
    return fail(url, 'only a bucket goes after s3:// (the server is ?endpoint=…)');
  const params = parsed.searchParams;
  for (const name of new Set(params.keys())) {
    if (!S3_PARAMS.has(name))
      return fail(url, `unknown parameter "${name}" (endpoint, region, forcePathStyle)`);
    if (params.getAll(name).length > 1) return fail(url, `parameter "${name}" is given twice`);
  }
  const endpoint = params.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !/^https?:\/\/[^/?#]+\/?$/.test(endpoint))
    return fail(url, 'endpoint must be an http(s) origin such as https://minio.internal:9000');
  const region = params.get('region') ?? 'us-east-1';
  if (!REGION.test(region)) return fail(url, 'region must look like us-east-1');
  const style = params.get('forcePathStyle') ?? 'false';
  if (style !== 'true' && style !== 'false') return fail(url, 'forcePathStyle must be true or false');
  return {
    driver: 's3',
    bucket,
    ...(endpoint === undefined ? {} : { endpoint: endpoint.replace(/\/$/, '') }),
    region,
    forcePathStyle: style === 'true',
  };
}

export function createBlobStore(config: BlobStoreConfig): BlobStore {
  const clock = config.clock ?? systemClock;
  const target: StorageTarget =
    config.storageUrl === undefined
      ? { driver: 'fs', root: join(config.dataDir, 'media') }
      : parseStorageUrl(config.storageUrl);
  if (target.driver === 's3') {
    const options = { ...target, clock };
    return deferredBlobStore('s3', async () =>
      (await import('./s3-blob-store.ts')).createS3BlobStore(options),
    );
  }
  return createFsBlobStore({
    root: target.root,
    publicUrl: config.publicUrl,
    signingKey: config.signingKey,
    clock,
  });
}
