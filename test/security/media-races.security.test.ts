// Media against a caller who probes, races and reuses: a sign-up photo's key
// says nothing about whether an address is taken; bodies that are neither an
// image nor {uploadKey} are a clear 415; the rate limit is met before an
// upload key is spent; parallel uploads by one user leave exactly one avatar
// and no orphan object; a raw upload is served only as a download, through a
// link that stops working when it expires.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { imageSlots } from '../../src/modules/media/image/process-avatar.ts';
import { createBlobStore } from '../../src/platform/blob-store/create-blob-store.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, freshEmail, STRONG_PASSWORD, session, verifiedAccount } from '../helpers/factories.ts';
import { png } from '../helpers/images.ts';
import { putAvatar } from '../helpers/media.ts';

/** Whether the app's filesystem store holds bytes under `key`. */
async function blobExists(t: TestApp, key: string): Promise<boolean> {
  const store = createBlobStore({ dataDir: t.dataDir, publicUrl: t.config.publicUrl, signingKey: 'unused' });
  return (await store.head(key)) !== null;
}

/** Until the outbox holds no job waiting or running (the sign-up photos' imports). */
async function waitForJobs(t: TestApp): Promise<void> {
  for (let i = 0; i < 400; i++) {
    const open = await t.db.database.db
      .selectFrom('outbox_messages')
      .select('id')
      .where('channel', '=', 'avatar_import')
      .where('status', '=', 'pending')
      .execute();
    if (open.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the import jobs did not run');
}

const pathOf = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

describe(`media against a hostile caller (${testDialect})`, () => {
  let t: TestApp;
  const clock = new ManualClock(new Date(Date.now()));
  let verifying: TestApp;
  before(async () => {
    t = await buildTestApp({
      clock,
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', ROSTER_RATE_LIMIT_USER_FACTOR: '0.1' },
    });
    // Verification on: a sign-up for a taken address gets the same 201 as a new one.
    verifying = await buildTestApp();
  });
  after(async () => {
    await t.close();
    await verifying.close();
  });

  /** A direct upload whose bytes have arrived: its key and object key. */
  async function uploaded(purpose: 'avatar' | 'signup-avatar', token?: string, target: TestApp = t) {
    const bytes = await png(120, 120);
    const ticket = await request(target, 'POST', '/v1/media/uploads', {
      ...(token ? { token } : {}),
      body: { contentType: 'image/png', size: bytes.length, purpose },
    });
    assert.equal(ticket.statusCode, 201, ticket.body);
    const put = await target.app.inject({
      method: 'PUT',
      url: pathOf(ticket.json().uploadUrl),
      headers: ticket.json().headers,
      payload: bytes,
    });
    assert.equal(put.statusCode, 204, put.body);
    return { uploadKey: ticket.json().uploadKey as string, key: ticket.json().key as string };
  }

  it('spends a sign-up photo alike for a taken and a free address', async () => {
    const v = verifying;
    const owner = await verifiedAccount(v);
    const signUp = (email: string, avatarUploadKey: string) =>
      request(v, 'POST', '/v1/accounts', { body: { email, password: STRONG_PASSWORD, avatarUploadKey } });
    const taken = await uploaded('signup-avatar', undefined, v);
    const free = await uploaded('signup-avatar', undefined, v);
    const [a, b] = [await signUp(owner.email, taken.uploadKey), await signUp(freshEmail(), free.uploadKey)];
    assert.deepEqual([a.statusCode, b.statusCode], [201, 201]);
    // Naming the key again answers the same whichever address used it.
    const again = [await signUp(freshEmail(), taken.uploadKey), await signUp(freshEmail(), free.uploadKey)];
    for (const res of again) assertProblem(res, 410, 'upload_used');
    // The account that holds the address never got the photo, not even after the import job ran.
    const { accessToken } = await session(v, owner.email);
    await waitForJobs(v);
    const mine = await request(v, 'GET', '/v1/me/avatar', { token: accessToken });
    assertProblem(mine, 404, 'avatar_not_found');
  });

  it('answers a body that is neither an image nor {uploadKey} with a 415', async () => {
    const me = await account(t);
    const text = await request(t, 'PUT', '/v1/me/avatar', {
      token: me.token,
      body: 'uploadKey=abc',
      headers: { 'content-type': 'text/plain' },
    });
    assertProblem(text, 415, 'unsupported_media_type');
    const none = await request(t, 'PUT', '/v1/me/avatar', { token: me.token });
    assert.ok([400, 415].includes(none.statusCode), none.body);
    assert.match(String(none.headers['content-type']), /^application\/problem\+json/);
  });

  it('refuses an upload key past the rate limit without spending it', async () => {
    const me = await account(t);
    const { uploadKey } = await uploaded('avatar', me.token);
    // ROSTER_RATE_LIMIT_USER_FACTOR=0.1: three avatar changes an hour.
    for (let i = 0; i < 3; i++) {
      const res = await putAvatar(t, me.token, await png(64 + i, 64));
      assert.equal(res.statusCode, 200, res.body);
    }
    const limited = await request(t, 'PUT', '/v1/me/avatar', { token: me.token, body: { uploadKey } });
    assertProblem(limited, 429, 'rate_limited');
    const row = await t.db.database.db
      .selectFrom('media_uploads')
      .select('claimed_at')
      .where('owner_id', '=', me.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.claimed_at, null, 'the key is still unused');
  });

  it('leaves exactly one avatar and no orphan after parallel uploads by one user', async () => {
    const me = await account(t);
    const sizes = [200, 210, 220, 230, 240, 250];
    const replies = await Promise.all(
      sizes.map(async (size) => putAvatar(t, me.token, await png(size, size))),
    );
    const ok = replies.filter((r) => r.statusCode === 200);
    assert.ok(ok.length >= 1, replies.map((r) => r.statusCode).join());
    for (const r of replies) assert.ok([200, 429].includes(r.statusCode), r.body);
    const live = await t.db.database.db
      .selectFrom('media_objects')
      .select(['key', 'state'])
      .where('owner_id', '=', me.id)
      .execute();
    assert.deepEqual(
      live.map((o) => o.state),
      ['live', 'live'],
    );
    const current = (await request(t, 'GET', '/v1/me/avatar', { token: me.token })).json();
    const keys = current.variants.map((v: { url: string }) =>
      new URL(v.url).pathname.slice('/media/'.length),
    );
    assert.deepEqual(live.map((o) => o.key).sort(), [...keys].sort());
    for (const reply of ok) {
      if (reply.json().url === current.url) continue;
      const gone = await t.app.inject({ method: 'GET', url: new URL(reply.json().url).pathname });
      assert.equal(gone.statusCode, 404, 'a replaced avatar is deleted');
    }
  });

  it('serves a raw upload only as a download, through a link that expires', async () => {
    const me = await account(t);
    const { key } = await uploaded('avatar', me.token);
    const plain = await t.app.inject({ method: 'GET', url: `/media/${key}` });
    assertProblem(plain, 403, 'signed_link_required');
    const link = await request(t, 'POST', '/v1/media/links', {
      token: me.token,
      body: { key, expiresIn: 60 },
    });
    assert.equal(link.statusCode, 200, link.body);
    const read = await t.app.inject({ method: 'GET', url: pathOf(link.json().url) });
    assert.equal(read.statusCode, 200);
    assert.equal(read.headers['content-disposition'], 'attachment');
    assert.equal(read.headers['x-content-type-options'], 'nosniff');
    assert.match(String(read.headers['cache-control']), /^private/);
    const other = await account(t);
    const theirs = await request(t, 'POST', '/v1/media/links', {
      token: other.token,
      body: { key, expiresIn: 60 },
    });
    assertProblem(theirs, 404, 'media_not_found');
    clock.advance(61_000);
    const late = await t.app.inject({ method: 'GET', url: pathOf(link.json().url) });
    assertProblem(late, 403, 'signed_link_invalid');
  });

  it('gives an upload key back when the image queue is full, for the retry the 503 asks for', async () => {
    const me = await account(t);
    const { uploadKey } = await uploaded('avatar', me.token);
    // Every decoding slot and every place in line taken.
    const { running, queued, maxConcurrent, maxQueued } = imageSlots.stats();
    assert.deepEqual([running, queued], [0, 0]);
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = Array.from({ length: maxConcurrent + maxQueued }, () => imageSlots.run(() => gate));
    const busy = await request(t, 'PUT', '/v1/me/avatar', { token: me.token, body: { uploadKey } });
    assertProblem(busy, 503, 'service_unavailable');
    release();
    await Promise.all(held);
    const retried = await request(t, 'PUT', '/v1/me/avatar', { token: me.token, body: { uploadKey } });
    assert.equal(retried.statusCode, 200, retried.body);
  });

  it('deletes the bytes of a signed PUT that finishes after its account was erased', async () => {
    const me = await account(t);
    const bytes = await png(150, 150);
    const ticket = (
      await request(t, 'POST', '/v1/media/uploads', {
        token: me.token,
        body: { contentType: 'image/png', size: bytes.length, purpose: 'avatar' },
      })
    ).json();
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const url = new URL(pathOf(ticket.uploadUrl), address);
    let bodyRest = () => {};
    const answer = new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { method: 'PUT', headers: ticket.headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(bytes.subarray(0, 50));
      bodyRest = () => req.end(bytes.subarray(50));
    });
    // The rest of the body arrives after the erasure has committed.
    const erased = await request(t, 'DELETE', '/v1/me', { token: me.token, body: { password: me.password } });
    assert.equal(erased.statusCode, 204, erased.body);
    bodyRest();
    assert.equal(await answer, 403);
    const stored = await t.app.inject({ method: 'GET', url: `/media/${ticket.key}` });
    assert.equal(stored.statusCode, 403, 'no plain read of a private key');
    assert.equal(
      await t.db.database.db
        .selectFrom('media_uploads')
        .select('id')
        .where('object_key', '=', ticket.key)
        .executeTakeFirst(),
      undefined,
    );
    const rows = await t.db.database.db
      .selectFrom('media_objects')
      .select('key')
      .where('key', '=', ticket.key)
      .execute();
    assert.deepEqual(rows, [], 'nothing left to sweep either: the bytes went at once');
    assert.equal(await blobExists(t, ticket.key), false);
  });

  it('answers a range outside the object without cache or validator headers', async () => {
    const me = await account(t);
    const set = await putAvatar(t, me.token, await png());
    const path = new URL(set.json().avatarUrl).pathname;
    for (const range of ['bytes=-0', 'bytes=99999999-']) {
      const res = await t.app.inject({ method: 'GET', url: path, headers: { range } });
      assertProblem(res, 416, 'range_not_satisfiable');
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.headers.etag, undefined);
    }
  });

  it('reads a signed link only under the expiry it was signed with, written as it was', async () => {
    const me = await account(t);
    const set = await putAvatar(t, me.token, await png());
    const key = new URL(set.json().avatarUrl).pathname.slice('/media/'.length);
    const link = new URL(
      (await request(t, 'POST', '/v1/media/links', { token: me.token, body: { key, expiresIn: 600 } })).json()
        .url,
    );
    const expires = Number(link.searchParams.get('expires'));
    assert.equal((await t.app.inject({ method: 'GET', url: link.pathname + link.search })).statusCode, 200);
    for (const spelling of [
      `0x${expires.toString(16)}`,
      `0${expires}`,
      `${expires}.000`,
      ` ${expires}`,
      `+${expires}`,
      `${expires / 1e9}e9`,
    ]) {
      const altered = new URL(link);
      altered.searchParams.set('expires', spelling);
      const res = await t.app.inject({ method: 'GET', url: altered.pathname + altered.search });
      assertProblem(res, 403, 'signed_link_invalid');
    }
  });
});
