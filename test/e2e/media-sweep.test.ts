// The media sweep, driven by the clock: uploads nobody used are deleted once
// their claim expires, objects a crash left staged go after their grace, and
// an object whose delete failed (storage down) is deleted by a later sweep.
// Nothing is left half-written: no orphan objects, no avatar pointing at nothing.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SWEEP_EVERY_MS } from '../../src/modules/media/media.module.ts';
import { STAGED_GRACE_MS } from '../../src/modules/media/object-trash.ts';
import { CLAIM_TTL_MS } from '../../src/modules/media/uploads.service.ts';
import type { BlobStore } from '../../src/platform/blob-store/blob-store.ts';
import { createBlobStore } from '../../src/platform/blob-store/create-blob-store.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { hmacSha256 } from '../../src/platform/crypto/tokens.ts';
import { buildTestApp, TEST_SECRET, type TestApp } from '../helpers/build-test-app.ts';
import { request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, session } from '../helpers/factories.ts';
import { png } from '../helpers/images.ts';
import { directUpload, putAvatar } from '../helpers/media.ts';

describe(`the media sweep (${testDialect})`, () => {
  let t: TestApp;
  const clock = new ManualClock(new Date(Date.now()));
  // A real filesystem store whose deletes fail while `storageDown` is set.
  const store: BlobStore = createBlobStore({
    dataDir: mkdtempSync(join(tmpdir(), 'roster-sweep-')),
    publicUrl: 'http://roster.test',
    // The key the app signs and checks its own upload URLs with.
    signingKey: hmacSha256(TEST_SECRET, 'roster/media-url-key'),
    clock,
  });
  let storageDown = false;
  let smallPutsFail = false;
  const flaky: BlobStore = {
    ...store,
    put: async (key, body, options) => {
      if (smallPutsFail && key.endsWith('-96.webp')) throw new Error('storage refused the write');
      // The other write of the same avatar is still in flight when that one fails (a slow store).
      if (smallPutsFail) await new Promise((resolve) => setTimeout(resolve, 50));
      return store.put(key, body, options);
    },
    delete: async (key) => {
      if (storageDown) throw new Error('storage unreachable');
      await store.delete(key);
    },
  };

  before(async () => {
    t = await buildTestApp({
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' },
      clock,
      overrides: { blobStore: flaky },
    });
  });
  after(async () => {
    await t.close();
    await store.close();
  });

  /** Moves the clock on, then past the sweep's interval, and waits for the sweep. */
  const sweepAfter = async (ms: number) => {
    await clock.tick(ms);
    await clock.tick(SWEEP_EVERY_MS);
  };
  const rows = (table: 'media_objects' | 'media_uploads') =>
    t.db.database.db.selectFrom(table).selectAll().execute();
  const keyOf = (url: string) => new URL(url).pathname.replace(/^\/media\//, '');

  it('deletes an upload nobody used once its claim has expired', async () => {
    const me = await account(t);
    const { uploadKey, key } = await directUpload(t, await png(100, 100), { token: me.token });
    assert.ok(await store.head(key), 'the bytes arrived');
    await sweepAfter(CLAIM_TTL_MS.avatar - 2 * SWEEP_EVERY_MS);
    assert.ok(await store.head(key), 'kept while the key may still be used');
    await sweepAfter(SWEEP_EVERY_MS);
    assert.equal(await store.head(key), null);
    assert.deepEqual(await rows('media_uploads'), []);
    // The access token has expired meanwhile too: a new sign-in.
    const { accessToken } = await session(t, me.email, me.password);
    const late = await request(t, 'PUT', '/v1/me/avatar', {
      token: accessToken,
      body: { uploadKey },
    });
    assert.equal(late.statusCode, 404, late.body);
  });

  it('deletes objects a crash left staged, after their grace', async () => {
    const me = await account(t);
    const key = 'avatars/01a00000-0000-7000-8000-00000000dead-400.webp';
    const now = clock.now().toISOString();
    await t.db.database.db
      .insertInto('media_objects')
      .values({
        key,
        owner_id: me.id,
        kind: 'avatar',
        state: 'staged',
        content_type: 'image/webp',
        size: 3,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await store.put(key, Buffer.from('abc'), { contentType: 'image/webp' });
    await sweepAfter(STAGED_GRACE_MS / 2 - SWEEP_EVERY_MS);
    assert.ok(await store.head(key), 'an upload in progress keeps its objects');
    await sweepAfter(STAGED_GRACE_MS / 2);
    assert.equal(await store.head(key), null);
    assert.equal((await rows('media_objects')).filter((r) => r.key === key).length, 0);
  });

  it('deletes a replaced avatar later when storage was down at the time', async () => {
    const me = await account(t);
    const put = (bytes: Buffer) => putAvatar(t, me.token, bytes);
    const first = await put(await png(300, 300));
    assert.equal(first.statusCode, 200, first.body);
    storageDown = true;
    const second = await put(await png(310, 310));
    storageDown = false;
    assert.equal(second.statusCode, 200, second.body);
    const old = first.json().variants.map((v: { url: string }) => keyOf(v.url));
    const current = second.json().variants.map((v: { url: string }) => keyOf(v.url));
    for (const key of old) assert.ok(await store.head(key), 'the delete failed: the bytes are still there');
    const trash = (await rows('media_objects')).filter((r) => old.includes(r.key));
    assert.deepEqual(
      trash.map((r) => [r.state, r.owner_id]),
      [
        ['trash', null],
        ['trash', null],
      ],
    );
    await sweepAfter(0);
    for (const key of old) assert.equal(await store.head(key), null);
    for (const key of current) assert.ok(await store.head(key), 'the new avatar is untouched');
    const served = await t.app.inject({ method: 'GET', url: new URL(second.json().avatarUrl).pathname });
    assert.equal(served.statusCode, 200);
  });

  it('leaves nothing half-written when the store fails in the middle of an avatar', async () => {
    const me = await account(t);
    const first = await putAvatar(t, me.token, await png());
    assert.equal(first.statusCode, 200, first.body);
    smallPutsFail = true;
    const failed = await putAvatar(t, me.token, await png(333, 333));
    smallPutsFail = false;
    // Long enough for a write still in flight to land, had the refusal not waited for it.
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(failed.statusCode, 503, failed.body);
    assert.equal(failed.json().code, 'service_unavailable');
    // The previous avatar stands, and nothing of the failed one is left: no row, no bytes.
    const now = (await request(t, 'GET', '/v1/me/avatar', { token: me.token })).json();
    assert.equal(now.url, first.json().url);
    const mine = await t.db.database.db
      .selectFrom('media_objects')
      .select(['key', 'state'])
      .where('owner_id', '=', me.id)
      .execute();
    assert.deepEqual(
      mine.map((o) => o.state),
      ['live', 'live'],
    );
    const stray = (await store.list('avatars/')).filter(
      (key) => !first.json().variants.some((v: { url: string }) => keyOf(v.url) === key),
    );
    const others = (await rows('media_objects')).map((r) => r.key);
    assert.deepEqual(
      stray.filter((key) => !others.includes(key)),
      [],
      'no untracked object',
    );
    assert.deepEqual(
      (await rows('media_objects')).filter((r) => r.state === 'trash'),
      [],
    );
  });
});
