// One contract for every blob store driver: the filesystem in a temporary
// directory and S3 against a real local server (s3rver), with the same cases.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { BlobSizeMismatchError, type BlobStore } from '../../src/platform/blob-store/blob-store.ts';
import { createBlobStore, parseStorageUrl } from '../../src/platform/blob-store/create-blob-store.ts';
import { createFsBlobStore } from '../../src/platform/blob-store/fs-blob-store.ts';
import { createS3BlobStore } from '../../src/platform/blob-store/s3-blob-store.ts';
import * as signing from '../../src/platform/blob-store/signed-url.ts';
import { ManualClock, systemClock } from '../../src/platform/clock.ts';
import { startS3Server } from '../helpers/s3.ts';

const KEY = 'media-signing-key-for-tests';
const PUBLIC_URL = 'https://id.example';
const TEXT = { contentType: 'text/plain' } as const;
const INVALID_KEYS = ['../x', 'a/../../b', '/abs', 'a\\b', '%2e%2e/x', 'UPPER', '', '.', '..'];

interface Driver {
  readonly store: BlobStore;
  readonly fsRoot?: string;
  stop(): Promise<void>;
}

const text = async (body: Readable) => Buffer.concat(await body.toArray()).toString();
const hoursFrom = (clock: ManualClock, hours: number) => new Date(clock.now().getTime() + hours * 3600_000);
type Claim = Omit<signing.MediaSignatureCheck, 'signature' | 'expires'>;
/** The verdict on a filesystem link for a request that claims `claim` (and, if given, another expiry). */
function verdict(link: string, claim: Claim, expires?: number) {
  const query = new URL(link).searchParams;
  const signature = query.get('signature') ?? '';
  const expiry = expires ?? query.get('expires') ?? '';
  return signing.verifyMediaSignature({ ...claim, expires: expiry, signature }, KEY);
}

const drivers: Record<'fs' | 's3', (clock: ManualClock) => Promise<Driver>> = {
  async fs(clock) {
    const root = await mkdtemp(join(tmpdir(), 'roster-blobs-'));
    const store = createFsBlobStore({ root, publicUrl: PUBLIC_URL, signingKey: KEY, clock });
    return { store, fsRoot: root, stop: () => rm(root, { recursive: true, force: true }) };
  },
  async s3(clock) {
    const server = await startS3Server();
    const { bucket, endpoint, credentials } = server;
    const options = { bucket, endpoint, credentials, region: 'us-east-1', forcePathStyle: true };
    const store = createS3BlobStore({ ...options, clock });
    return { store, stop: () => store.close().then(() => server.stop()) };
  },
};

for (const [name, start] of Object.entries(drivers)) {
  describe(`blob store contract (${name})`, () => {
    // s3rver checks presigned expiry against the wall clock, so this clock starts there.
    const clock = new ManualClock(systemClock.now());
    let driver: Driver;
    let store: BlobStore;
    before(async () => {
      driver = await start(clock);
      store = driver.store;
    });
    after(() => driver.stop());

    it('stores a Buffer and a stream and gives the same bytes back', async () => {
      const put = await store.put('rt/buffer.txt', Buffer.from('hello world'), TEXT);
      const got = await store.get('rt/buffer.txt');
      assert.deepEqual([put.size, await text(got!.body)], [11, 'hello world']);
      assert.deepEqual({ ...got!.info, lastModified: 0 }, { ...put, lastModified: 0 });
      for (const size of [undefined, 12]) {
        const stream = Readable.from([Buffer.from('hello '), Buffer.from('stream')]);
        await store.put(`rt/stream-${size}`, stream, size ? { ...TEXT, size } : TEXT);
        assert.equal(await text((await store.get(`rt/stream-${size}`))!.body), 'hello stream');
      }
    });

    it('describes an object: size, type, date and a strong etag that follows the content', async () => {
      const bodies = { 'hd/one': 'same bytes', 'hd/two': 'same bytes', 'hd/three': 'other bytes' };
      const keys = Object.keys(bodies) as (keyof typeof bodies)[];
      for (const k of keys) await store.put(k, Buffer.from(bodies[k]), { contentType: 'image/png' });
      const [one, two, three] = await Promise.all(keys.map((k) => store.head(k)));
      assert.deepEqual([one!.key, one!.size, one!.contentType], ['hd/one', 10, 'image/png']);
      assert.match(one!.etag, /^"[0-9a-f]{32,64}"$/, 'strong and quoted');
      assert.equal(two!.etag, one!.etag);
      assert.notEqual(three!.etag, one!.etag);
      assert.ok(Number.isFinite(one!.lastModified.getTime()));
    });

    it('reads inclusive byte ranges and reports the whole size', async () => {
      await store.put('rg/letters', Buffer.from('abcdefghij'), TEXT);
      const cases = { abcd: [0, 3], defg: [3, 6], j: [9, 9], hij: [7, 100] } as const;
      for (const [expected, [start, end]] of Object.entries(cases)) {
        const got = await store.get('rg/letters', { start, end });
        assert.equal(await text(got!.body), expected, `${start}-${end}`);
        assert.equal(got!.info.size, 10);
      }
      await assert.rejects(store.get('rg/letters', { start: 10, end: 12 }), RangeError);
    });

    it('answers null for a missing object, and deletes idempotently', async () => {
      assert.deepEqual([await store.get('del/none'), await store.head('del/none')], [null, null]);
      await store.delete('del/none');
      await store.put('del/some', Buffer.from('x'), TEXT);
      await store.delete('del/some');
      assert.deepEqual([await store.get('del/some'), await store.head('del/some')], [null, null]);
      assert.deepEqual(await store.list('del/'), []);
      await store.delete('del/some');
    });

    it('lists keys under a prefix, at most the limit', async () => {
      for (const key of ['ls/b/1', 'ls/a/2', 'ls/a/1', 'ls/a-x', 'lsx/1'])
        await store.put(key, Buffer.from(key), TEXT);
      const all = ['ls/a-x', 'ls/a/1', 'ls/a/2', 'ls/b/1'];
      const listed = await store.list('ls/');
      // The filesystem lists in S3's byte order; s3rver walks folders first ('ls/a/…' before 'ls/a-x').
      if (name === 'fs') assert.deepEqual(listed, all);
      assert.deepEqual(listed.toSorted(), all);
      assert.deepEqual((await store.list('ls/a/')).toSorted(), ['ls/a/1', 'ls/a/2']);
      assert.deepEqual((await store.list('ls/a')).toSorted(), ['ls/a-x', 'ls/a/1', 'ls/a/2']);
      const page = await store.list('ls/', 2);
      assert.equal(page.length, 2);
      assert.ok(page.every((key) => all.includes(key)));
      assert.deepEqual(await store.list('nothing/'), []);
      for (const bad of ['../', '/abs', 'a\\b/', 'UP/', 'a//'])
        await assert.rejects(store.list(bad), /invalid/);
    });

    it('refuses a body of another length than declared and leaves nothing', async () => {
      const stream = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));
      const bodies = [Buffer.from('12345'), Buffer.from('123'), stream('12', '345'), stream('1', '23')];
      for (const body of bodies)
        await assert.rejects(store.put('mm/new', body, { ...TEXT, size: 4 }), BlobSizeMismatchError);
      assert.deepEqual([await store.head('mm/new'), await store.list('mm/')], [null, []]);
      await store.put('mm/kept', Buffer.from('old'), TEXT);
      await assert.rejects(store.put('mm/kept', Buffer.from('longer'), { ...TEXT, size: 2 }));
      assert.equal(await text((await store.get('mm/kept'))!.body), 'old', 'the old object stays');
      if (driver.fsRoot) assert.deepEqual(await readdir(join(driver.fsRoot, 'tmp')), [], 'no temporary file');
    });

    it('refuses invalid keys in every method', async () => {
      const expiresAt = hoursFrom(clock, 1);
      const methods: Record<string, (key: string) => Promise<unknown>> = {
        put: (key) => store.put(key, Buffer.from('x'), TEXT),
        get: (key) => store.get(key),
        head: (key) => store.head(key),
        delete: (key) => store.delete(key),
        presignPut: (key) => store.presignPut(key, { ...TEXT, size: 1, expiresAt }),
        presignGet: (key) => store.presignGet(key, { expiresAt }),
      };
      for (const [method, call] of Object.entries(methods))
        for (const key of INVALID_KEYS)
          await assert.rejects(() => call(key), /invalid object key/, `${method}(${JSON.stringify(key)})`);
    });

    it('presigns a PUT whose content type and length are part of the signature', async () => {
      const options = { contentType: 'image/png', size: 5, expiresAt: hoursFrom(clock, 1) };
      const put = await store.presignPut('up/a.png', options);
      assert.equal(put.method, 'PUT');
      assert.deepEqual(put.headers, { 'content-type': 'image/png', 'content-length': '5' });
      const url = new URL(put.url);
      if (store.driver === 's3') {
        // s3rver does not check V4 signatures: what is signed is checked here.
        assert.equal(url.searchParams.get('X-Amz-SignedHeaders'), 'content-length;content-type;host');
        assert.equal(url.searchParams.get('x-amz-checksum-crc32'), null, 'no checksum of an empty body');
        const res = await fetch(put.url, { method: 'PUT', headers: put.headers, body: Buffer.from('12345') });
        assert.equal(res.status, 200, await res.text());
        const info = await store.head('up/a.png');
        assert.deepEqual([info!.size, info!.contentType], [5, 'image/png']);
        return;
      }
      // Roster serves this URL itself; here the signature alone is checked.
      assert.equal(`${url.origin}${url.pathname}`, `${PUBLIC_URL}/media/up/a.png`);
      const claim = { method: 'PUT', key: 'up/a.png', ...options, now: clock.now() } as const;
      assert.equal(verdict(put.url, claim), 'ok');
      const later = signing.unixSeconds(options.expiresAt) + 60;
      assert.equal(verdict(put.url, claim, later), 'invalid', 'later expiry');
      for (const change of [{ key: 'up/b.png' }, { size: 6 }, { contentType: 'text/html' }])
        assert.equal(verdict(put.url, { ...claim, ...change }), 'invalid', JSON.stringify(change));
      assert.equal(verdict(put.url, { ...claim, now: options.expiresAt }), 'expired');
    });

    it('presigns a GET that reads the object until it expires', async () => {
      await store.put('pg/file.txt', Buffer.from('signed read'), TEXT);
      const expiresAt = hoursFrom(clock, 1);
      const link = await store.presignGet('pg/file.txt', { expiresAt });
      if (store.driver === 's3') {
        assert.equal(await (await fetch(link)).text(), 'signed read');
        // Signed two hours ago for one hour: s3rver refuses it (it checks expiry, not V4 signatures).
        clock.advance(-2 * 3600_000);
        const stale = await store.presignGet('pg/file.txt', { expiresAt: hoursFrom(clock, 1) });
        clock.advance(2 * 3600_000);
        assert.equal((await fetch(stale)).status, 403);
        // S3 refuses links that live longer than 7 days; the driver says so before S3 does.
        const tooLate = { expiresAt: hoursFrom(clock, 200) };
        await assert.rejects(store.presignGet('pg/file.txt', tooLate), RangeError);
        return;
      }
      const claim = { method: 'GET', key: 'pg/file.txt', now: clock.now() } as const;
      assert.equal(verdict(link, claim), 'ok');
      assert.equal(verdict(link, { ...claim, method: 'PUT' }), 'invalid');
      assert.equal(verdict(link, { ...claim, now: expiresAt }), 'expired');
    });

    if (name === 'fs')
      it('keeps raw bytes under objects/ and serves only bytes the meta describes', async () => {
        await store.put('lay/a.bin', Buffer.from('raw'), { contentType: 'application/octet-stream' });
        const at = (path: string) => join(driver.fsRoot!, path);
        assert.equal(await readFile(at('objects/lay/a.bin'), 'utf8'), 'raw');
        assert.equal(JSON.parse(await readFile(at('meta/lay/a.bin.json'), 'utf8')).size, 3);
        // New bytes renamed into place whose meta has not followed yet: not served under the old meta.
        await writeFile(at('tmp/next'), 'new bytes');
        await rename(at('tmp/next'), at('objects/lay/a.bin'));
        assert.deepEqual([await store.get('lay/a.bin'), await store.head('lay/a.bin')], [null, null]);
      });
  });
}

describe('STORAGE_URL', () => {
  it('names the filesystem or S3', () => {
    assert.deepEqual(parseStorageUrl('file:/srv/media'), { driver: 'fs', root: '/srv/media' });
    assert.deepEqual(parseStorageUrl('file:///srv/media'), { driver: 'fs', root: '/srv/media' });
    assert.deepEqual(parseStorageUrl('/srv/media'), { driver: 'fs', root: '/srv/media' });
    const endpoint = 'http://127.0.0.1:9000';
    const s3 = { driver: 's3', bucket: 'media', region: 'eu-west-1', forcePathStyle: true };
    const url = `s3://media?endpoint=${endpoint}&region=eu-west-1&forcePathStyle=true`;
    assert.deepEqual(parseStorageUrl(url), { ...s3, endpoint });
    assert.deepEqual(parseStorageUrl('s3://media'), { ...s3, region: 'us-east-1', forcePathStyle: false });
  });

  it('refuses anything else with a message that names the mistake', () => {
    const bad = ['', 'http://x/media', 'minio://media', 's3://', 's3://UPPER', 's3://b?bucket=x'];
    bad.push('s3://media?forcePathStyle=yes', 's3://key:secret@media', 's3://media/sub');
    bad.push('s3://media?endpoint=ftp://x', 's3://media?region=a&region=b');
    for (const url of bad) assert.throws(() => parseStorageUrl(url), /^Error: STORAGE_URL/, url);
  });

  it('defaults to <data dir>/media and builds the S3 driver from its URL', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'roster-data-'));
    const config = { dataDir, publicUrl: PUBLIC_URL, signingKey: KEY };
    const fs = createBlobStore(config);
    await fs.put('avatars/x.png', Buffer.from('x'), { contentType: 'image/png' });
    assert.equal(await readFile(join(dataDir, 'media/objects/avatars/x.png'), 'utf8'), 'x');
    const s3 = createBlobStore({ ...config, storageUrl: 's3://media?region=eu-west-1' });
    assert.equal(s3.driver, 's3');
    await Promise.all([fs.close(), s3.close()]);
    await rm(dataDir, { recursive: true, force: true });
  });
});
