// Achievements over HTTP: every account has the configured types in order,
// from sign-up on (and a type it lacks comes back at 0 on the next read);
// service keys raise progress, concurrent additions all counting and the
// value kept within 0 and the target; `referral` counts verified referred
// accounts by itself and cannot be written; another user's achievements are
// as visible as their profile.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKeys } from '../../src/modules/sessions/api-keys.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, type Json } from '../helpers/factories.ts';

describe(`achievements (${testDialect})`, () => {
  let t: TestApp;
  let key: string;
  before(async () => {
    t = await buildTestApp({
      env: {
        ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false',
        ROSTER_ACHIEVEMENTS: 'five-star:20,referral:10,review:60,squad:10',
      },
    });
    key = (
      await createApiKeys({ db: t.db.database.db, clock: systemClock }).create('reviews', [
        'achievements:write',
      ])
    ).key;
  });
  after(() => t.close());

  const mine = async (token: string) =>
    (await request(t, 'GET', '/v1/me/achievements', { token })).json().items as Json[];
  const progress = (
    userId: string,
    type: string,
    body: unknown,
    headers: Record<string, string> = { 'x-api-key': key },
  ) => request(t, 'POST', `/v1/admin/users/${userId}/achievements/${type}`, { headers, body });

  it('gives every account the configured types in order, at 0', async () => {
    const me = await account(t);
    const items = await mine(me.token);
    assert.deepEqual(
      items.map((a) => [a.type, a.total, a.value]),
      [
        ['five-star', 20, 0],
        ['referral', 10, 0],
        ['review', 60, 0],
        ['squad', 10, 0],
      ],
    );
    assert.ok(items.every((a) => typeof a.id === 'string' && a.createdAt && a.updatedAt));
    // A type the account lacks (configured after it signed up) is there on the next read.
    await t.db.database.db
      .deleteFrom('achievements')
      .where('user_id', '=', me.id)
      .where('type', '=', 'squad')
      .execute();
    const again = await mine(me.token);
    assert.deepEqual(
      again.map((a) => [a.type, a.value]),
      [
        ['five-star', 0],
        ['referral', 0],
        ['review', 0],
        ['squad', 0],
      ],
    );
    // The read wrote nothing; the first progress makes the row, under the id the read showed.
    const rows = () =>
      t.db.database.db.selectFrom('achievements').select('id').where('user_id', '=', me.id).execute();
    assert.equal((await rows()).length, 3);
    const made = await progress(me.id, 'squad', { add: 2 });
    assert.equal(made.json().id, again[3].id);
    assert.equal((await rows()).length, 4);
  });

  it('adds exactly under concurrency and keeps the value within 0 and the target', async () => {
    const me = await account(t);
    const replies = await Promise.all(
      Array.from({ length: 12 }, () => progress(me.id, 'review', { add: 5 })),
    );
    assert.ok(
      replies.every((r) => r.statusCode === 200),
      replies.map((r) => r.body).join(),
    );
    assert.equal((await mine(me.token)).find((a) => a.type === 'review').value, 60);
    const over = await progress(me.id, 'review', { add: 5 });
    assert.equal(over.json().value, 60);
    assert.equal((await progress(me.id, 'five-star', { set: 3 })).json().value, 3);
    assert.equal((await progress(me.id, 'five-star', { add: -10 })).json().value, 0);
  });

  it('counts referrals itself: verified referred accounts, never a write', async () => {
    const referrer = await account(t);
    const { code } = (await request(t, 'GET', '/v1/me/referrals', { token: referrer.token })).json();
    await account(t, { fields: { referralCode: code } });
    await account(t, { fields: { referralCode: code } });
    assert.equal((await mine(referrer.token)).find((a) => a.type === 'referral').value, 2);
    assertProblem(await progress(referrer.id, 'referral', { add: 1 }), 409, 'conflict');
  });

  it('refuses unknown types, bad amounts, users and keys without the scope, changing nothing', async () => {
    const me = await account(t);
    assertProblem(await progress(me.id, 'gold', { add: 1 }), 404, 'not_found');
    assertProblem(await progress(me.id, 'squad', { add: 1.5 }), 422, 'validation_failed');
    assertProblem(await progress(me.id, 'squad', {}), 422, 'validation_failed');
    assertProblem(
      await progress('01a23555-ec71-7108-ad72-6a4af40f1c00', 'squad', { add: 1 }),
      404,
      'user_not_found',
    );
    assertProblem(
      await progress(me.id, 'squad', { add: 1 }, { authorization: `Bearer ${me.token}` }),
      403,
      'forbidden',
    );
    const other = (
      await createApiKeys({ db: t.db.database.db, clock: systemClock }).create('x', ['users:read'])
    ).key;
    assertProblem(await progress(me.id, 'squad', { add: 1 }, { 'x-api-key': other }), 403, 'forbidden');
    assert.ok((await mine(me.token)).every((a) => a.value === 0));
  });

  it('shows another user’s achievements as far as their profile is visible', async () => {
    const me = await account(t);
    const other = await account(t);
    await progress(other.id, 'squad', { add: 4 });
    const seen = await request(t, 'GET', `/v1/users/${other.id}/achievements`, { token: me.token });
    assert.equal(seen.statusCode, 200);
    assert.equal(seen.json().items.find((a: Json) => a.type === 'squad').value, 4);
    assert.equal(
      (await request(t, 'POST', `/v1/users/${me.id}/block`, { token: other.token })).statusCode,
      204,
    );
    assertProblem(
      await request(t, 'GET', `/v1/users/${other.id}/achievements`, { token: me.token }),
      404,
      'user_not_found',
    );
  });
});
