// The face analysis as operators configure it: with ROSTER_AVATAR_REQUIRE_FACE
// a profile whose avatar shows no face is flagged (the upload is kept), and a
// new avatar starts unflagged; an analysis that could not read the avatar
// (storage down) is retried by the outbox until it can. MEDIA_PUBLIC_URL moves
// public avatar URLs to a CDN.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BlobStore } from '../../src/platform/blob-store/blob-store.ts';
import { createBlobStore } from '../../src/platform/blob-store/create-blob-store.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { hmacSha256 } from '../../src/platform/crypto/tokens.ts';
import { buildTestApp, TEST_SECRET, type TestApp } from '../helpers/build-test-app.ts';
import { request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account } from '../helpers/factories.ts';
import { png } from '../helpers/images.ts';
import { putAvatar } from '../helpers/media.ts';

const require = createRequire(import.meta.url);
const FACE = require.resolve('@vladmandic/face-api/demo/sample1.jpg');
const ENV = { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' };

async function until<T>(check: () => Promise<T | undefined>, what: string, onWait = async () => {}) {
  for (let i = 0; i < 600; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await onWait();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const analysed = (t: TestApp, token: string, onWait?: () => Promise<void>) =>
  until(
    async () => {
      const res = await request(t, 'GET', '/v1/me/avatar', { token });
      assert.equal(res.statusCode, 200, res.body);
      const avatar = res.json();
      return avatar.analyzedAt === null ? undefined : avatar;
    },
    'the face analysis',
    onWait,
  );

describe(`avatar analysis and URLs as configured (${testDialect})`, () => {
  const apps: TestApp[] = [];
  after(() => Promise.all(apps.map((t) => t.close())));
  const app = async (options: Parameters<typeof buildTestApp>[0]) => {
    const t = await buildTestApp(options);
    apps.push(t);
    return t;
  };

  it('flags a profile whose avatar shows no face when faces are required, and keeps the upload', async () => {
    const t = await app({ env: { ...ENV, ROSTER_AVATAR_REQUIRE_FACE: 'true' } });
    const me = await account(t);
    assert.equal((await putAvatar(t, me.token, await png(500, 500))).statusCode, 200);
    const none = await analysed(t, me.token);
    assert.deepEqual([none.faceDetected, none.flagged], [false, true]);
    const view = (await request(t, 'GET', '/v1/me', { token: me.token })).json();
    assert.equal(view.avatarFlagged, true);
    assert.equal(view.avatarUrl, none.avatarUrl, 'the avatar stays');
    // A new avatar starts unflagged, and a face keeps it so.
    assert.equal((await putAvatar(t, me.token, await readFile(FACE))).statusCode, 200);
    assert.equal((await request(t, 'GET', '/v1/me', { token: me.token })).json().avatarFlagged, false);
    const face = await analysed(t, me.token);
    assert.deepEqual([face.faceDetected, face.flagged], [true, false]);
    assert.equal((await request(t, 'GET', '/v1/me', { token: me.token })).json().avatarFlagged, false);
  });

  it('does not flag anyone when faces are not required', async () => {
    const t = await app({ env: ENV });
    const me = await account(t);
    assert.equal((await putAvatar(t, me.token, await png(500, 500))).statusCode, 200);
    const none = await analysed(t, me.token);
    assert.deepEqual([none.faceDetected, none.flagged], [false, false]);
    assert.equal((await request(t, 'GET', '/v1/me', { token: me.token })).json().avatarFlagged, false);
  });

  it('retries an analysis that could not read the avatar', async () => {
    const clock = new ManualClock(new Date(Date.now()));
    const store = createBlobStore({
      dataDir: mkdtempSync(join(tmpdir(), 'roster-analysis-')),
      publicUrl: 'http://roster.test',
      signingKey: hmacSha256(TEST_SECRET, 'roster/media-url-key'),
      clock,
    });
    let reads = 0;
    let down = true;
    const flaky: BlobStore = {
      ...store,
      get: async (key, range) => {
        if (down && key.startsWith('avatars/')) {
          reads++;
          throw new Error('storage unreachable');
        }
        return store.get(key, range);
      },
    };
    const t = await app({ env: ENV, clock, overrides: { blobStore: flaky } });
    const me = await account(t);
    assert.equal((await putAvatar(t, me.token, await readFile(FACE))).statusCode, 200);
    await until(async () => (reads > 0 ? true : undefined), 'the first attempt');
    const waiting = (await request(t, 'GET', '/v1/me/avatar', { token: me.token })).json();
    assert.equal(waiting.analyzedAt, null, 'nothing is recorded for an attempt that failed');
    down = false;
    // The outbox retries after its back-off; moving the clock past it makes the retry due.
    // Two minutes of clock cover the first retries' back-off and stay within the token's life.
    let moved = 0;
    const face = await analysed(t, me.token, async () => {
      if (moved >= 120_000) return;
      moved += 15_000;
      clock.advance(15_000);
    });
    assert.equal(face.faceDetected, true);
    assert.equal(face.analysisError, null);
  });

  it('points public avatar URLs at MEDIA_PUBLIC_URL', async () => {
    const t = await app({ env: { ...ENV, MEDIA_PUBLIC_URL: 'https://cdn.example.com/roster/' } });
    const me = await account(t);
    const set = await putAvatar(t, me.token, await png());
    assert.equal(set.statusCode, 200, set.body);
    assert.match(
      set.json().avatarUrl,
      /^https:\/\/cdn\.example\.com\/roster\/avatars\/[0-9a-f-]+-400\.webp$/,
    );
    const other = await account(t);
    const seen = (await request(t, 'GET', `/v1/users/${me.id}`, { token: other.token })).json();
    assert.equal(seen.avatarUrl, set.json().avatarUrl);
    // The object is still served by Roster under its key, for the CDN to fetch.
    const key = new URL(set.json().avatarUrl).pathname.replace(/^\/roster\//, '');
    assert.equal((await t.app.inject({ method: 'GET', url: `/media/${key}` })).statusCode, 200);
  });
});
