// Presence over HTTP: a user is online from their sign-in and while a live
// session of theirs makes requests within ROSTER_PRESENCE_WINDOW; requests
// are noted in memory and written by the periodic flush (every other node
// reads them from then on); signing out of every session makes them offline
// at once on its node, and on others once their copy (5 s) is old; the
// owner's view carries the last sign-in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compose, type Roster } from '../../src/compose.ts';
import { PRESENCE_CACHE_MS, PRESENCE_FLUSH_MS } from '../../src/modules/sessions/index.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account } from '../helpers/factories.ts';

const WINDOW_MS = 300_000;

describe(`presence (${testDialect})`, () => {
  const clock = new ManualClock(new Date());
  let t: TestApp;
  /** A second node on the same database: it sees only what the first wrote. */
  let other: Roster;
  before(async () => {
    t = await buildTestApp({ clock, env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
    other = compose(t.config, t.db.database, clock, t.app.log);
  });
  after(async () => {
    await other.stop();
    await t.close();
  });

  const seenBy = async (token: string, userId: string) =>
    (await request(t, 'GET', `/v1/users/${userId}`, { token })).json().online as boolean;
  const elsewhere = async (userId: string) => (await other.presence.of([userId])).get(userId)!.online;

  it('is online from the sign-in, with its time in the owner’s view', async () => {
    const user = await account(t);
    const viewer = await account(t);
    assert.equal(await seenBy(viewer.token, user.id), true);
    const me = (await request(t, 'GET', '/v1/me', { token: user.token })).json();
    assert.equal(me.online, true);
    assert.equal(me.lastSignInAt, clock.now().toISOString());
    // The sign-in is written in its own transaction: every node sees it.
    assert.equal(await elsewhere(user.id), true);
  });

  it('stays online while requests come, written by the flush; offline a window after the last', async () => {
    const user = await account(t);
    const viewer = await account(t);
    await clock.tick(WINDOW_MS - 60_000);
    // A request four minutes in: this node knows at once, the others after the flush.
    assert.equal((await request(t, 'GET', '/v1/me', { token: user.token })).statusCode, 200);
    await clock.tick(90_000);
    // 5.5 minutes after the sign-in, 1.5 after the request.
    assert.equal(await elsewhere(user.id), true, 'the flush wrote the request');
    assert.equal(await seenBy(viewer.token, user.id), true);
    await clock.tick(WINDOW_MS - 90_000 + PRESENCE_FLUSH_MS);
    assert.equal(await seenBy(viewer.token, user.id), false);
    assert.equal(await elsewhere(user.id), false);
  });

  it('never moves a later sighting back when another node writes an older one', async () => {
    const user = await account(t);
    const db = t.db.database.db;
    const later = new Date(clock.now().getTime() + 60_000).toISOString();
    await db.updateTable('user_presence').set({ seen_at: later }).where('user_id', '=', user.id).execute();
    other.presence.seen(user.id);
    await other.presence.flush();
    const row = await db
      .selectFrom('user_presence')
      .select('seen_at')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    assert.equal(new Date(row.seen_at!).toISOString(), later);
  });

  it('another node that read it keeps the stored presence up to 5 s, then reads it anew', async () => {
    const user = await account(t);
    assert.equal(await elsewhere(user.id), true, 'the other node reads (and keeps) it');
    assert.equal((await request(t, 'DELETE', '/v1/sessions', { token: user.token })).statusCode, 204);
    await clock.tick(PRESENCE_CACHE_MS - 1);
    assert.equal(await elsewhere(user.id), true, 'the bound: the other node has not read it again yet');
    await clock.tick(1);
    assert.equal(await elsewhere(user.id), false);
  });

  it('is offline at once when every session is signed out', async () => {
    const user = await account(t);
    const viewer = await account(t);
    assert.equal(await seenBy(viewer.token, user.id), true);
    assert.equal((await request(t, 'DELETE', '/v1/sessions', { token: user.token })).statusCode, 204);
    assert.equal(await seenBy(viewer.token, user.id), false);
  });
});
