// The filesystem driver, the default: `<root>/objects/<key>` holds the bytes
// as they are (an operator can back them up or inspect them), and
// `<root>/meta/<key>.json` what HTTP needs (type, size, etag, date).
//
// Atomicity: both files are written under `<root>/tmp` and renamed into place,
// bytes first, meta last. The meta is the commit point: it names the inode of
// the bytes it describes, and a reader trusts a pair only when the file it
// opened is that inode. A reader racing an overwrite or a delete thus sees the
// old object, the new one, or none, never the new bytes under the old meta.
// Limitation: a key cannot also be a folder of another key (`a` and `a/b`).
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Clock } from '../clock.ts';
import {
  type BlobInfo,
  BlobSizeMismatchError,
  type BlobStore,
  isObjectKey,
  isObjectPrefix,
} from './blob-store.ts';
import { type MediaMethod, signedMediaUrl, signMediaUrl, unixSeconds } from './signed-url.ts';

export interface FsBlobStoreOptions {
  /** The app passes `<data dir>/media`. */
  readonly root: string;
  /** Where Roster serves `/media/<key>` (signed URLs point there). */
  readonly publicUrl: string;
  readonly signingKey: Buffer | string;
  readonly clock: Clock;
}

interface Meta {
  readonly contentType: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: string;
  /** The inode of the bytes this describes, as a decimal string (inodes can pass 2^53). */
  readonly ino: string;
}

/** A reader that keeps meeting a pair in the middle of a rename gives up and calls the object absent. */
const READ_ATTEMPTS = 5;

const mismatch = () => new BlobSizeMismatchError();
/** Null where the file (or a folder on its path) does not exist. */
const orNull = <T>(promise: Promise<T>): Promise<T | null> =>
  promise.catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
    throw error;
  });

export function createFsBlobStore(options: FsBlobStoreOptions): BlobStore {
  const root = resolve(options.root);
  const objects = join(root, 'objects');
  const metas = join(root, 'meta');
  const tmp = join(root, 'tmp');
  const { clock } = options;

  // isObjectKey already rules out '..', roots and backslashes; this is the
  // second lock, should that rule ever loosen.
  function paths(key: string): { data: string; meta: string } {
    if (!isObjectKey(key)) throw new Error('invalid object key');
    const data = resolve(objects, key);
    const meta = resolve(metas, `${key}.json`);
    if (!data.startsWith(objects + sep) || !meta.startsWith(metas + sep))
      throw new Error('invalid object key');
    return { data, meta };
  }

  const readMeta = async (path: string) => {
    const text = await orNull(readFile(path, 'utf8'));
    return text === null ? null : (JSON.parse(text) as Meta);
  };

  /** The committed object: its meta and an open handle on exactly the bytes it describes. */
  async function openObject(key: string): Promise<{ meta: Meta; handle: FileHandle } | null> {
    const p = paths(key);
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      const handle = await orNull(open(p.data, 'r'));
      if (!handle) return null;
      // Holding the handle pins the inode: it cannot be reused while we compare.
      const [meta, stats] = await Promise.all([readMeta(p.meta), handle.stat({ bigint: true })]).catch(
        async (error: unknown) => {
          await handle.close();
          throw error;
        },
      );
      if (meta && meta.ino === String(stats.ino)) return { meta, handle };
      await handle.close();
      if (!meta) return null;
    }
    return null;
  }

  const info = (key: string, { contentType, size, etag, lastModified }: Meta): BlobInfo => {
    return { key, size, contentType, etag, lastModified: new Date(lastModified) };
  };

  function signed(
    method: MediaMethod,
    key: string,
    expiresAt: Date,
    extra: { contentType?: string; size?: number },
  ) {
    paths(key);
    const expires = unixSeconds(expiresAt);
    const signature = signMediaUrl({ method, key, expires, ...extra }, options.signingKey);
    return signedMediaUrl(options.publicUrl, key, { expires, signature });
  }

  return {
    driver: 'fs',

    async put(key, body, { contentType, size }) {
      const p = paths(key);
      if (Buffer.isBuffer(body) && size !== undefined && body.length !== size) throw mismatch();
      await mkdir(tmp, { recursive: true });
      const id = randomUUID();
      const tmpData = join(tmp, id);
      const tmpMeta = join(tmp, `${id}.json`);
      const hash = createHash('sha256');
      let length = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          length += chunk.length;
          // Stop reading as soon as the body is too long, not at its end.
          if (size !== undefined && length > size) return done(mismatch());
          hash.update(chunk);
          done(null, chunk);
        },
        flush(done) {
          done(size !== undefined && length !== size ? mismatch() : null);
        },
      });
      let ino: string | undefined;
      let renamed = false;
      try {
        const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
        await pipeline(source, meter, createWriteStream(tmpData, { flags: 'wx', flush: true }));
        ino = String((await stat(tmpData, { bigint: true })).ino);
        const meta: Meta = {
          contentType,
          size: length,
          etag: `"${hash.digest('hex')}"`,
          lastModified: clock.now().toISOString(),
          ino,
        };
        await writeFile(tmpMeta, JSON.stringify(meta), { flag: 'wx', flush: true });
        await mkdir(dirname(p.data), { recursive: true });
        await mkdir(dirname(p.meta), { recursive: true });
        await rename(tmpData, p.data);
        renamed = true;
        await rename(tmpMeta, p.meta);
        return info(key, meta);
      } catch (error) {
        await rm(tmpData, { force: true });
        await rm(tmpMeta, { force: true });
        // Bytes already renamed but never committed: take them back out (if still ours).
        const current = renamed ? await stat(p.data, { bigint: true }).catch(() => null) : null;
        if (current && String(current.ino) === ino) await rm(p.data, { force: true });
        throw error;
      }
    },

    async get(key, range) {
      const found = await openObject(key);
      if (!found) return null;
      const { meta, handle } = found;
      if (range) {
        const valid = Number.isSafeInteger(range.start) && range.start >= 0 && range.end >= range.start;
        if (!valid || range.start >= meta.size) {
          await handle.close();
          throw new RangeError('range not satisfiable');
        }
      }
      // The stream closes the handle when it ends or is destroyed.
      const body = handle.createReadStream(
        range ? { start: range.start, end: Math.min(range.end, meta.size - 1) } : {},
      );
      return { info: info(key, meta), body };
    },

    async head(key) {
      const found = await openObject(key);
      if (!found) return null;
      await found.handle.close();
      return info(key, found.meta);
    },

    async delete(key) {
      const p = paths(key);
      // Meta first: once it is gone the object is gone for every reader.
      await rm(p.meta, { force: true });
      await rm(p.data, { force: true });
    },

    async list(prefix, limit = 1000) {
      if (!isObjectPrefix(prefix)) throw new Error('invalid object key prefix');
      const cut = prefix.lastIndexOf('/');
      const folders = cut < 0 ? '' : prefix.slice(0, cut);
      const start = prefix.slice(cut + 1);
      const dir = resolve(metas, folders);
      if (dir !== metas && !dir.startsWith(metas + sep)) throw new Error('invalid object key prefix');
      const keys: string[] = [];
      await walk(dir, folders === '' ? '' : `${folders}/`, start, keys, limit);
      return keys;
    },

    async presignPut(key, { contentType, size, expiresAt }) {
      const url = signed('PUT', key, expiresAt, { contentType, size });
      return { url, method: 'PUT', headers: { 'content-type': contentType, 'content-length': String(size) } };
    },

    async presignGet(key, { expiresAt }) {
      return signed('GET', key, expiresAt, {});
    },

    async close() {},
  };
}

// Walks the meta tree (the committed objects) in S3's order, the byte order of
// whole keys: a folder sorts as `name/`, so 'a-b' < 'a.b' < 'a/…' as keys do.
async function walk(dir: string, base: string, start: string, keys: string[], limit: number): Promise<void> {
  const entries = await orNull(readdir(dir, { withFileTypes: true }));
  const names = (entries ?? [])
    .flatMap((e) =>
      e.isDirectory() ? [`${e.name}/`] : e.name.endsWith('.json') ? [e.name.slice(0, -5)] : [],
    )
    .filter((name) => name.startsWith(start))
    .sort();
  for (const name of names) {
    if (keys.length >= limit) return;
    if (name.endsWith('/')) await walk(join(dir, name), base + name, '', keys, limit);
    else keys.push(base + name);
  }
}
