// Avatars and media over HTTP, on each dialect and each storage driver (the
// filesystem, and S3 against a local S3 server): every accepted format comes
// back as a 400×400 WebP without metadata; /media serves it with the caching
// and safety headers; a direct upload goes through its signed URL; a signed
// link works until it expires; a sign-up's photo becomes the new account's
// avatar; erasure deletes the objects; face detection fills its fields.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { BlobStore } from '../../src/platform/blob-store/blob-store.ts';
import { createBlobStore } from '../../src/platform/blob-store/create-blob-store.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, freshEmail, STRONG_PASSWORD } from '../helpers/factories.ts';
import { avif, gif, jpegWithExif, png, webp } from '../helpers/images.ts';
import { putAvatar } from '../helpers/media.ts';
import { startS3Server, type TestS3Server } from '../helpers/s3.ts';

const require = createRequire(import.meta.url);
const SAMPLE_FACE = require.resolve('@vladmandic/face-api/demo/sample1.jpg');

/** A smooth landscape: sky, hills, a sun; nothing like a face. */
const landscape = () =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: '#7fb2e5' } })
    .composite([
      {
        input: Buffer.from(
          '<svg width="640" height="480"><rect y="300" width="640" height="180" fill="#3d7a35"/>' +
            '<circle cx="520" cy="90" r="50" fill="#ffd84a"/></svg>',
        ),
      },
    ])
    .jpeg()
    .toBuffer();

/** Polls `check` until it returns a value (the outbox worker runs jobs in the background). */
async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const pathOf = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

for (const driver of ['fs', 's3'] as const) {
  describe(`media over HTTP (${testDialect}, ${driver} storage)`, () => {
    let t: TestApp;
    let s3: TestS3Server | undefined;
    let store: BlobStore;
    // Near the real time: S3 checks a presigned URL's date against its own clock.
    const clock = new ManualClock(new Date(Date.now()));

    before(async () => {
      const env: Record<string, string> = { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' };
      if (driver === 's3') {
        s3 = await startS3Server();
        process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
        process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
        env.STORAGE_URL = s3.storageUrl;
      }
      t = await buildTestApp({ env, clock });
      store = createBlobStore({
        storageUrl: s3?.storageUrl ?? `file:${t.dataDir}/media`,
        dataDir: t.dataDir,
        publicUrl: t.config.publicUrl,
        signingKey: 'unused',
      });
    });
    after(async () => {
      await store.close();
      await t.close();
      await s3?.stop();
    });

    // The declared type is not what decides: application/octet-stream unless a test says otherwise.
    const putBytes = (token: string, bytes: Buffer, type = 'application/octet-stream') =>
      putAvatar(t, token, bytes, type);
    const objects = async () => [...(await store.list('avatars/')), ...(await store.list('uploads/'))];

    /** PUTs bytes to a direct-upload URL: Roster's own (filesystem) or the S3 server's. */
    async function uploadTo(ticket: { uploadUrl: string; headers: Record<string, string> }, bytes: Buffer) {
      if (driver === 'fs') {
        const res = await t.app.inject({
          method: 'PUT',
          url: pathOf(ticket.uploadUrl),
          headers: ticket.headers,
          payload: bytes,
        });
        return res.statusCode;
      }
      const res = await fetch(ticket.uploadUrl, { method: 'PUT', headers: ticket.headers, body: bytes });
      await res.arrayBuffer();
      return res.status;
    }

    it('accepts each format and serves a 400×400 WebP without metadata, with caching and safety headers', async () => {
      const me = await account(t);
      const sources = {
        jpeg: await jpegWithExif(),
        png: await png(800, 600),
        webp: await webp(),
        avif: await avif(),
        gif: await gif(3),
      };
      for (const [format, bytes] of Object.entries(sources)) {
        const res = await putBytes(me.token, bytes, 'image/png'); // the declared type does not matter
        assert.equal(res.statusCode, 200, `${format}: ${res.body}`);
        const avatar = res.json();
        assert.equal(avatar.width, 400);
        assert.equal(avatar.height, 400);
        const served = await t.app.inject({ method: 'GET', url: pathOf(avatar.avatarUrl) });
        assert.equal(served.statusCode, 200, format);
        const meta = await sharp(served.rawPayload).metadata();
        assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 400, 400], format);
        assert.equal(meta.exif, undefined, `${format} keeps no EXIF`);
        assert.equal(meta.icc, undefined, `${format} keeps no ICC profile`);
        assert.equal(meta.xmp, undefined, `${format} keeps no XMP`);
        assert.equal(served.headers['content-type'], 'image/webp');
        assert.equal(served.headers['x-content-type-options'], 'nosniff');
        assert.equal(served.headers['cross-origin-resource-policy'], 'cross-origin');
        assert.equal(served.headers['cache-control'], 'public, max-age=31536000, immutable');
        assert.match(String(served.headers.etag), /^"[^"]+"$/, 'a strong ETag');
        const me2 = await request(t, 'GET', '/v1/me', { token: me.token });
        assert.equal(me2.json().avatarUrl, avatar.avatarUrl);
      }
      // Each replacement deleted the previous objects: one avatar, two sizes.
      assert.equal((await store.list('avatars/')).length, 2);
      const { avatarUrl } = (await request(t, 'GET', '/v1/me/avatar', { token: me.token })).json();
      const first = await t.app.inject({ method: 'GET', url: pathOf(avatarUrl) });
      const again = await t.app.inject({
        method: 'GET',
        url: pathOf(avatarUrl),
        headers: { 'if-none-match': String(first.headers.etag) },
      });
      assert.equal(again.statusCode, 304);
      const head = await t.app.inject({ method: 'HEAD', url: pathOf(avatarUrl) });
      assert.equal(head.statusCode, 200);
      assert.equal(head.headers['content-length'], String(first.rawPayload.length));
      const range = await t.app.inject({
        method: 'GET',
        url: pathOf(avatarUrl),
        headers: { range: 'bytes=0-11' },
      });
      assert.equal(range.statusCode, 206);
      assert.equal(range.headers['content-range'], `bytes 0-11/${first.rawPayload.length}`);
      assert.deepEqual(range.rawPayload, first.rawPayload.subarray(0, 12));
      // Others see it in the public view; deleting it clears it and deletes the objects.
      const other = await account(t);
      assert.equal(
        (await request(t, 'GET', `/v1/users/${me.id}`, { token: other.token })).json().avatarUrl,
        avatarUrl,
      );
      assert.equal((await request(t, 'DELETE', '/v1/me/avatar', { token: me.token })).statusCode, 204);
      assert.equal((await request(t, 'GET', '/v1/me', { token: me.token })).json().avatarUrl, null);
      assert.equal((await t.app.inject({ method: 'GET', url: pathOf(avatarUrl) })).statusCode, 404);
      assert.deepEqual(await store.list('avatars/'), []);
    });

    it('takes a direct upload through its signed URL, once', async () => {
      const me = await account(t);
      const bytes = await png(500, 500);
      const ticket = await request(t, 'POST', '/v1/media/uploads', {
        token: me.token,
        body: { contentType: 'image/png', size: bytes.length, purpose: 'avatar' },
      });
      assert.equal(ticket.statusCode, 201, ticket.body);
      assert.equal(ticket.json().method, 'PUT');
      assert.ok([200, 204].includes(await uploadTo(ticket.json(), bytes)));
      const set = await request(t, 'PUT', '/v1/me/avatar', {
        token: me.token,
        body: { uploadKey: ticket.json().uploadKey },
      });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal(set.json().width, 400);
      assert.deepEqual(await store.list('uploads/'), [], 'the raw upload is deleted once used');
      const reused = await request(t, 'PUT', '/v1/me/avatar', {
        token: me.token,
        body: { uploadKey: ticket.json().uploadKey },
      });
      assertProblem(reused, 410, 'upload_used');
    });

    it('signs links that work until they expire, and not after', async () => {
      const me = await account(t);
      const set = await putBytes(me.token, await png());
      const key = new URL(set.json().avatarUrl).pathname.replace(/^\/media\//, '');
      // S3 dates the link by Roster's clock and judges it by its own: bring the two together.
      clock.advance(Math.max(0, Date.now() - clock.now().getTime()));
      const link = await request(t, 'POST', '/v1/media/links', {
        token: me.token,
        body: { key, expiresIn: 2 },
      });
      assert.equal(link.statusCode, 200, link.body);
      const { url } = link.json();
      const read = (target: string) =>
        driver === 'fs'
          ? t.app.inject({ method: 'GET', url: pathOf(target) }).then((r) => r.statusCode)
          : fetch(target).then(async (r) => {
              await r.arrayBuffer();
              return r.status;
            });
      assert.equal(await read(url), 200);
      clock.advance(3000);
      if (driver === 's3') await new Promise((resolve) => setTimeout(resolve, 3000)); // S3 reads its own clock
      assert.equal(await read(url), 403);
    });

    it('makes a sign-up’s photo the new account’s avatar, and never a taken address’s', async () => {
      const ticketFor = async (bytes: Buffer) => {
        const res = await request(t, 'POST', '/v1/media/uploads', {
          body: { contentType: 'image/png', size: bytes.length, purpose: 'signup-avatar' },
        });
        assert.equal(res.statusCode, 201, res.body);
        assert.ok([200, 204].includes(await uploadTo(res.json(), bytes)));
        return res.json().uploadKey as string;
      };
      const email = freshEmail();
      const signup = await request(t, 'POST', '/v1/accounts', {
        body: { email, password: STRONG_PASSWORD, avatarUploadKey: await ticketFor(await png(300, 300)) },
      });
      assert.equal(signup.statusCode, 201, signup.body);
      const token = signup.json().session.accessToken as string;
      const avatar = await eventually<{ width: number; url: string }>(async () => {
        const res = await request(t, 'GET', '/v1/me/avatar', { token });
        return res.statusCode === 200 ? res.json() : undefined;
      }, 'the sign-up photo');
      assert.equal(avatar.width, 400);
      // A second sign-up for the same address gets the same kind of reply and changes nothing of the account.
      const duplicate = await request(t, 'POST', '/v1/accounts', {
        body: { email, password: STRONG_PASSWORD, avatarUploadKey: await ticketFor(await png(320, 320)) },
      });
      assert.ok(duplicate.statusCode < 500, duplicate.body);
      const still = await request(t, 'GET', '/v1/me/avatar', { token });
      assert.equal(still.json().url, avatar.url);
    });

    it('deletes every object of an erased account, unclaimed uploads included', async () => {
      const me = await account(t);
      const before = new Set(await objects());
      assert.equal((await putBytes(me.token, await png())).statusCode, 200);
      const bytes = await png(200, 200);
      const ticket = await request(t, 'POST', '/v1/media/uploads', {
        token: me.token,
        body: { contentType: 'image/png', size: bytes.length, purpose: 'avatar' },
      });
      assert.ok([200, 204].includes(await uploadTo(ticket.json(), bytes)));
      assert.equal((await objects()).filter((k) => !before.has(k)).length, 3, 'two sizes and one upload');
      const erased = await request(t, 'DELETE', '/v1/me', {
        token: me.token,
        body: { password: me.password },
      });
      assert.equal(erased.statusCode, 204, erased.body);
      assert.deepEqual(
        (await objects()).filter((k) => !before.has(k)),
        [],
      );
    });

    it('records faces for a photo with one and none for a photo without', async () => {
      const analysed = async (bytes: Buffer) => {
        const me = await account(t);
        assert.equal((await putBytes(me.token, bytes, 'image/jpeg')).statusCode, 200);
        return eventually(async () => {
          const res = (await request(t, 'GET', '/v1/me/avatar', { token: me.token })).json();
          return res.analyzedAt === null ? undefined : res;
        }, 'the face analysis');
      };
      const face = await analysed(await readFile(SAMPLE_FACE));
      assert.equal(face.faceDetected, true);
      assert.ok(face.faceCount >= 1);
      assert.equal(face.analysisError, null);
      const none = await analysed(await landscape());
      assert.equal(none.faceDetected, false);
      assert.equal(none.faceCount, 0);
    });
  });
}
