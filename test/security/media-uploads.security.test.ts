// Hostile avatar uploads, direct uploads and media URLs: each is refused with
// a stable problem code, and nothing changes: the avatar, the profile's
// avatarUrl, the staged and live object rows and the files of the blob store
// are what they were before the request.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type Dirent, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { SWEEP_EVERY_MS } from '../../src/modules/media/media.module.ts';
import { CLAIM_TTL_MS, UPLOAD_URL_TTL_MS } from '../../src/modules/media/uploads.service.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createRateLimiter } from '../../src/platform/rate-limit/rate-limiter.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, assertRateLimited, type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, type Json, type SignedUpAccount, session } from '../helpers/factories.ts';
import * as images from '../helpers/images.ts';

const SMALL_MAX = 200_000;
const VERIFIED = { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' };
// The face analysis job is not the subject: a detector that finds nothing, at once.
const faceDetector = { detect: async () => ({ faces: [] }), close: async () => {} };

interface Part {
  readonly field: string;
  readonly filename: string;
  readonly type: string;
  readonly data: Buffer;
}
const filePart = (data: Buffer, field = 'file'): Part => ({
  field,
  ...images.DECLARED_PNG,
  type: 'image/png',
  data,
});

function multipart(parts: readonly Part[]): { body: Buffer; type: string } {
  const boundary = `----roster${randomBytes(8).toString('hex')}`;
  const chunks = parts.flatMap((p) => [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${p.field}"; filename="${p.filename}"\r\n` +
        `Content-Type: ${p.type}\r\n\r\n`,
    ),
    p.data,
    Buffer.from('\r\n'),
  ]);
  return {
    body: Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

const putRaw = (t: TestApp, token: string, data: Buffer, type = 'image/png') =>
  request(t, 'PUT', '/v1/me/avatar', { token, body: data, headers: { 'content-type': type } });
const putParts = (t: TestApp, token: string, parts: readonly Part[]) => {
  const { body, type } = multipart(parts);
  return request(t, 'PUT', '/v1/me/avatar', { token, body, headers: { 'content-type': type } });
};
const putKey = (t: TestApp, token: string, uploadKey: string) =>
  request(t, 'PUT', '/v1/me/avatar', { token, body: { uploadKey } });
const pathOf = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

function countFiles(dir: string): number {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  return entries.reduce((n, e) => n + (e.isDirectory() ? countFiles(join(dir, e.name)) : 1), 0);
}

/** What a refused request must leave as it was. */
async function snapshot(t: TestApp, token: string) {
  const avatar = await request(t, 'GET', '/v1/me/avatar', { token });
  const me = await request(t, 'GET', '/v1/me', { token });
  assert.equal(me.statusCode, 200, me.body);
  const rows = await t.db.database.db
    .selectFrom('media_objects')
    .select(['key', 'state'])
    .where('state', 'in', ['staged', 'live'])
    .orderBy('key')
    .execute();
  return {
    avatar: avatar.statusCode === 200 ? avatar.json().url : avatar.statusCode,
    avatarUrl: me.json().avatarUrl,
    rows,
    files: countFiles(join(t.dataDir, 'media')),
  };
}

/** Sends, expects the problem, and checks that nothing changed for `user`. */
async function refused(
  t: TestApp,
  user: SignedUpAccount,
  send: () => Promise<Reply>,
  status: number,
  code: string,
): Promise<Json> {
  const before = await snapshot(t, user.token);
  const body = assertProblem(await send(), status, code);
  assert.deepEqual(await snapshot(t, user.token), before, 'nothing changed');
  return body;
}

/** POST /v1/media/uploads, asserted 201. */
async function ticket(t: TestApp, token: string, data: Buffer): Promise<Json> {
  const res = await request(t, 'POST', '/v1/media/uploads', {
    token,
    body: { contentType: 'image/png', size: data.length, purpose: 'avatar' },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

/** PUTs bytes to a ticket's signed URL with its headers (or others). */
const upload = (t: TestApp, tk: Json, data: Buffer, headers: Record<string, string> = tk.headers) =>
  request(t, 'PUT', pathOf(tk.uploadUrl), { body: data, headers });

describe(`media uploads under attack (${testDialect})`, () => {
  let t: TestApp;
  let me: SignedUpAccount;
  before(async () => {
    t = await buildTestApp({ env: VERIFIED, overrides: { faceDetector } });
    me = await account(t, { label: 'media' });
  });
  after(() => t.close());

  it('a PNG whose magic bytes were overwritten, named avatar.png: 415', async () => {
    const data = await images.wrongMagic();
    await refused(t, me, () => putRaw(t, me.token, data), 415, 'unsupported_image_type');
    await refused(t, me, () => putParts(t, me.token, [filePart(data)]), 415, 'unsupported_image_type');
  });

  it('an HTML page called a PNG, raw and multipart: 415', async () => {
    const data = images.htmlNamedPng();
    await refused(t, me, () => putRaw(t, me.token, data), 415, 'unsupported_image_type');
    await refused(t, me, () => putParts(t, me.token, [filePart(data)]), 415, 'unsupported_image_type');
  });

  it('a 1×100000 PNG: 422 image_dimensions_unsupported', async () => {
    const data = await images.narrowPng();
    await refused(t, me, () => putRaw(t, me.token, data), 422, 'image_dimensions_unsupported');
  });

  it('a 20000×20000 PNG bomb: 422 image_too_many_pixels', async () => {
    await refused(t, me, () => putRaw(t, me.token, images.bombPng()), 422, 'image_too_many_pixels');
  });

  it('a truncated JPEG: 422 image_unreadable', async () => {
    const data = await images.truncatedJpeg();
    await refused(t, me, () => putRaw(t, me.token, data, 'image/jpeg'), 422, 'image_unreadable');
  });

  it('an empty body: a 4xx problem with a clear code, never a 500', async () => {
    await refused(t, me, () => putRaw(t, me.token, Buffer.alloc(0)), 415, 'unsupported_image_type');
  });

  it('one PNG in the `file` field of a multipart body is an avatar (the form the refusals below vary)', async () => {
    const user = await account(t, { label: 'form' });
    const res = await putParts(t, user.token, [filePart(await images.png(64, 64))]);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(
      (await request(t, 'GET', '/v1/me', { token: user.token })).json().avatarUrl,
      res.json().avatarUrl,
    );
  });

  it('two files, or the file in another field: 422 upload_file_count', async () => {
    const data = await images.png(64, 64);
    const two = [filePart(data), filePart(data)];
    await refused(t, me, () => putParts(t, me.token, two), 422, 'upload_file_count');
    await refused(t, me, () => putParts(t, me.token, [filePart(data, 'avatar')]), 422, 'upload_file_count');
  });

  it('a GIF of 500 frames becomes a single-frame 400×400 WebP', async () => {
    const user = await account(t, { label: 'gif' });
    const res = await putRaw(t, user.token, await images.gif(500), 'image/gif');
    assert.equal(res.statusCode, 200, res.body);
    const stored = await request(t, 'GET', pathOf(res.json().avatarUrl));
    assert.equal(stored.statusCode, 200);
    const meta = await sharp(stored.rawPayload).metadata();
    assert.equal(meta.format, 'webp');
    assert.equal(meta.width, 400);
    assert.equal(meta.height, 400);
    assert.ok(meta.pages === undefined || meta.pages === 1, `pages: ${meta.pages}`);
  });

  it("another user's upload key: 404 upload_not_found, and its owner can still use it", async () => {
    const owner = await account(t, { label: 'owner' });
    const thief = await account(t, { label: 'thief' });
    const data = await images.png(64, 64);
    const tk = await ticket(t, owner.token, data);
    assert.equal((await upload(t, tk, data)).statusCode, 204);
    await refused(t, thief, () => putKey(t, thief.token, tk.uploadKey), 404, 'upload_not_found');
    assert.equal((await putKey(t, owner.token, tk.uploadKey)).statusCode, 200);
  });

  it('an upload key used twice: 410 upload_used the second time', async () => {
    const user = await account(t, { label: 'reuse' });
    const data = await images.png(64, 64);
    const tk = await ticket(t, user.token, data);
    assert.equal((await upload(t, tk, data)).statusCode, 204);
    assert.equal((await putKey(t, user.token, tk.uploadKey)).statusCode, 200);
    await refused(t, user, () => putKey(t, user.token, tk.uploadKey), 410, 'upload_used');
  });

  it('paths out of the store or outside its key rules: 403/404, never a file', async () => {
    const marker = `MARKER-${randomBytes(8).toString('hex')}`;
    const media = join(t.dataDir, 'media');
    mkdirSync(join(media, 'objects'), { recursive: true });
    for (const file of ['secret', 'roster.db', 'media/secret', 'media/roster.db', 'media/objects/secret'])
      if (!existsSync(join(t.dataDir, file))) writeFileSync(join(t.dataDir, file), marker);
    const urls = [
      '/media/../secret',
      '/media/%2e%2e/secret',
      '/media/avatars/%2e%2e%2f%2e%2e%2fsecret',
      '/media/avatars/..%2F..%2Froster.db',
      '/media/avatars/..%2F..%2F..%2Fsecret',
      '/media/avatars/..%2F..%2F..%2Froster.db',
      '/media/AVATARS/x',
      '/media/avatars\\..\\..\\secret',
      '/media/avatars/..%5C..%5Csecret',
      '/media/secret',
      '/media/%2Fetc%2Fpasswd',
    ];
    for (const url of urls) {
      const res = await request(t, 'GET', url);
      assert.ok([403, 404].includes(res.statusCode), `${url}: ${res.statusCode} ${res.body}`);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/, url);
      assert.ok(!res.body.includes(marker), `${url} served a file from outside the store`);
    }
  });

  it('an upload bigger than the limit is refused when asked for: 413 image_too_large', async () => {
    const res = await request(t, 'POST', '/v1/media/uploads', {
      token: me.token,
      body: { contentType: 'image/png', size: t.config.media.avatarMaxBytes + 1, purpose: 'avatar' },
    });
    assertProblem(res, 413, 'image_too_large');
  });

  it('a signed PUT with another length or type is refused, and the key has nothing to use', async () => {
    const data = await images.png(64, 64);
    const tk = await ticket(t, me.token, data);
    const longer = Buffer.concat([data, Buffer.alloc(16)]);
    const shorter = data.subarray(0, data.length - 16);
    // (More bytes than a signed Content-Length never reach the route: HTTP reads exactly that many.)
    const attempts: [string, Buffer, Record<string, string>][] = [
      ['longer, declared', longer, { ...tk.headers, 'content-length': String(longer.length) }],
      ['shorter, declared', shorter, { ...tk.headers, 'content-length': String(shorter.length) }],
      ['shorter, signed length', shorter, tk.headers],
      ['another type', data, { ...tk.headers, 'content-type': 'image/jpeg' }],
    ];
    for (const [label, body, headers] of attempts) {
      const before = await snapshot(t, me.token);
      const res = await upload(t, tk, body, headers);
      assert.ok([400, 403, 422].includes(res.statusCode), `${label}: ${res.statusCode} ${res.body}`);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/, label);
      assert.deepEqual(await snapshot(t, me.token), before, `${label}: nothing stored`);
    }
    await refused(t, me, () => putKey(t, me.token, tk.uploadKey), 409, 'upload_missing');
  });

  it('an altered signed link is refused, even for a public avatar; others’ uploads are unknown', async () => {
    const user = await account(t, { label: 'links' });
    const set = await putRaw(t, user.token, await images.png(64, 64));
    assert.equal(set.statusCode, 200, set.body);
    const key = new URL(set.json().avatarUrl).pathname.slice('/media/'.length);
    const link = async (body: object) => request(t, 'POST', '/v1/media/links', { token: user.token, body });
    const made = await link({ key, expiresIn: 600 });
    assert.equal(made.statusCode, 200, made.body);
    const url = new URL(made.json().url);
    assert.equal((await request(t, 'GET', url.pathname + url.search)).statusCode, 200);
    const signature = url.searchParams.get('signature')!;
    const expires = url.searchParams.get('expires')!;
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    for (const [s, e] of [
      [flipped, expires],
      [signature, String(Number(expires) + 1)],
    ]) {
      const res = await request(t, 'GET', `${url.pathname}?expires=${e}&signature=${s}`);
      assertProblem(res, 403, 'signed_link_invalid');
    }
    const other = await ticket(t, me.token, await images.png(64, 64));
    const pending = new URL(other.uploadUrl).pathname.slice('/media/'.length);
    assertProblem(await link({ key: pending, expiresIn: 600 }), 404, 'media_not_found');
    for (const expiresIn of [0, 604_801])
      assertProblem(await link({ key, expiresIn }), 422, 'validation_failed');
  });

  it('anonymous: `avatar` needs a token, `signup-avatar` does not; signed in, `signup-avatar` is a 422', async () => {
    const body = (purpose: string) => ({ contentType: 'image/png', size: 1000, purpose });
    const anon = (purpose: string) => request(t, 'POST', '/v1/media/uploads', { body: body(purpose) });
    assertProblem(await anon('avatar'), 401, 'unauthenticated');
    assert.equal((await anon('signup-avatar')).statusCode, 201);
    const signedIn = await request(t, 'POST', '/v1/media/uploads', {
      token: me.token,
      body: body('signup-avatar'),
    });
    assertProblem(signedIn, 422, 'validation_failed');
  });
});

describe(`media upload limits and expiry (${testDialect})`, () => {
  const clock = new ManualClock(new Date());
  let t: TestApp;
  let ipLimited: TestApp;
  before(async () => {
    t = await buildTestApp({
      clock,
      env: { ...VERIFIED, ROSTER_AVATAR_MAX_BYTES: String(SMALL_MAX) },
      overrides: { faceDetector, rateLimiter: createRateLimiter({ clock }) },
    });
    ipLimited = await buildTestApp({
      env: { ROSTER_RATE_LIMIT_IP_FACTOR: '1' },
      overrides: { faceDetector },
    });
  });
  after(async () => {
    await ipLimited.close();
    await t.close();
  });

  it('a body over ROSTER_AVATAR_MAX_BYTES, raw or multipart: 413', async () => {
    const user = await account(t, { label: 'big' });
    // Noise does not compress: a valid PNG of about 300 kB.
    const noise = { type: 'gaussian' as const, mean: 128, sigma: 60 };
    const data = await sharp({
      create: { width: 320, height: 320, channels: 3, background: '#808080', noise },
    })
      .png()
      .toBuffer();
    assert.ok(data.length > SMALL_MAX * 1.4, `${data.length} bytes`);
    await refused(t, user, () => putRaw(t, user.token, data), 413, 'payload_too_large');
    await refused(t, user, () => putParts(t, user.token, [filePart(data)]), 413, 'payload_too_large');
  });

  it('an upload key past its claim expiry: 410 upload_expired', async () => {
    const user = await account(t, { label: 'late' });
    const data = await images.png(64, 64);
    const tk = await ticket(t, user.token, data);
    assert.equal((await upload(t, tk, data)).statusCode, 204);
    // The sweep runs (and finds nothing expired) just before the expiry, and is not due again just after it.
    await clock.tick(CLAIM_TTL_MS.avatar - 1000);
    clock.advance(2000);
    const fresh = { ...user, token: (await session(t, user.email)).accessToken };
    await refused(t, fresh, () => putKey(t, fresh.token, tk.uploadKey), 410, 'upload_expired');
    // The next sweep deletes the unused upload: its bytes do not stay behind.
    const objectKey = new URL(tk.uploadUrl).pathname.slice('/media/'.length);
    assert.ok(existsSync(join(t.dataDir, 'media', 'objects', objectKey)), 'the bytes were stored');
    await clock.tick(SWEEP_EVERY_MS);
    assert.ok(!existsSync(join(t.dataDir, 'media', 'objects', objectKey)), 'the sweep deleted them');
  });

  it('a signed upload URL past its expiry: 403 signed_link_invalid', async () => {
    const user = await account(t, { label: 'slow' });
    const data = await images.png(64, 64);
    const tk = await ticket(t, user.token, data);
    await clock.tick(UPLOAD_URL_TTL_MS + 1000);
    const fresh = { ...user, token: (await session(t, user.email)).accessToken };
    await refused(t, fresh, () => upload(t, tk, data), 403, 'signed_link_invalid');
    await refused(t, fresh, () => putKey(t, fresh.token, tk.uploadKey), 409, 'upload_missing');
  });

  it('anonymous sign-up photos: 5 per IP and hour, then 429', async () => {
    const from = (remoteAddress: string) =>
      request(ipLimited, 'POST', '/v1/media/uploads', {
        body: { contentType: 'image/png', size: 1000, purpose: 'signup-avatar' },
        remoteAddress,
      });
    for (let i = 0; i < 5; i++) assert.equal((await from('203.0.113.9')).statusCode, 201);
    assertRateLimited(await from('203.0.113.9'));
    assert.equal((await from('203.0.113.10')).statusCode, 201, 'another address has its own count');
  });
});
