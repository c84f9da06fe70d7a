// Races a hostile (or merely impatient) client can start: parallel sign-ups
// for one mailbox, parallel refreshes of one refresh token, a burst of
// password guesses sent before the first failure is recorded.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, get, login, post } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { countUsers, freshEmail, STRONG_PASSWORD, session, verifiedAccount } from '../helpers/factories.ts';
import { cheapHasher, countingHasher } from '../helpers/hashers.ts';

describe(`concurrency (${testDialect})`, () => {
  const hasher = countingHasher(cheapHasher());
  const clock = new ManualClock(new Date());
  let t: TestApp;

  before(async () => {
    t = await buildTestApp({ clock, overrides: { hasher }, env: { ROSTER_RATE_LIMIT_IP_FACTOR: '0' } });
  });
  after(() => t.close());

  const refresh = (refreshToken: string) => post(t, '/v1/sessions/refresh', { refreshToken });

  it('10 parallel sign-ups with spellings of one address make exactly one account', async () => {
    const local = `ada${Date.now().toString(36)}`;
    const variants = [
      ` ${local}@X.com`,
      `${local}@x.com `,
      `${local.toUpperCase()}@x.com`,
      `${local}@x.com`,
      `\t${local}@X.COM`,
      `${local}@X.Com`,
      `  ${local.toUpperCase()}@X.COM  `,
      `${local}@x.COM`,
      `${local[0]!.toUpperCase()}${local.slice(1)}@x.com`,
      `${local}@x.com\t`,
    ];
    const replies = await Promise.all(
      variants.map((email) => post(t, '/v1/accounts', { email, password: STRONG_PASSWORD })),
    );
    assert.deepEqual(
      replies.map((r) => r.statusCode),
      variants.map(() => 201),
      replies.map((r) => r.body).join('\n'),
    );
    assert.equal(await countUsers(t, `${local}@x.com`), 1);
    const rows = await t.db.database.db
      .selectFrom('users')
      .select('email')
      .where('email', 'like', `%${local}%`)
      .execute();
    assert.equal(rows.length, 1, 'no second row under another spelling');
  });

  it('parallel sign-ups for one username: one wins, the others are told it is taken', async () => {
    const username = `race_${Date.now().toString(36)}`;
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        post(t, '/v1/accounts', { email: freshEmail(`uname${i}`), password: STRONG_PASSWORD, username }),
      ),
    );
    const statuses = replies.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409], replies.map((r) => r.body).join('\n'));
    for (const r of replies.filter((x) => x.statusCode === 409)) assertProblem(r, 409, 'username_taken');
    const rows = await t.db.database.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', username)
      .execute();
    assert.equal(rows.length, 1);
  });

  it('10 parallel refreshes of one refresh token: one 200, nine 401, and the winner keeps a live session', {}, async () => {
    const email = freshEmail('refresh');
    await verifiedAccount(t, { email });
    const s = await session(t, email);

    const replies = await Promise.all(Array.from({ length: 10 }, () => refresh(s.refreshToken)));
    const winners = replies.filter((r) => r.statusCode === 200);
    assert.equal(winners.length, 1, replies.map((r) => `${r.statusCode} ${r.body.slice(0, 80)}`).join('\n'));
    for (const r of replies.filter((x) => x.statusCode !== 200))
      assertProblem(r, 401, 'invalid_refresh_token');

    const next = winners[0]!.json() as { accessToken: string; refreshToken: string };
    assert.notEqual(next.refreshToken, s.refreshToken);
    const me = await get(t, '/v1/me', next.accessToken);
    assert.equal(me.statusCode, 200, `the winner's access token works: ${me.body}`);
    const again = await refresh(next.refreshToken);
    assert.equal(again.statusCode, 200, `the winner's refresh token works: ${again.body}`);
  });

  it('a replay of a used refresh token a minute later revokes the session', async () => {
    const email = freshEmail('replay');
    await verifiedAccount(t, { email });
    const s = await session(t, email);
    const first = await refresh(s.refreshToken);
    assert.equal(first.statusCode, 200);
    const next = first.json() as { accessToken: string; refreshToken: string };
    clock.advance(60_000); // well past any grace period for parallel duplicates

    assertProblem(await refresh(s.refreshToken), 401, 'invalid_refresh_token');
    assertProblem(await get(t, '/v1/me', next.accessToken), 401, 'invalid_token');
    assertProblem(await refresh(next.refreshToken), 401, 'invalid_refresh_token');
  });

  it('30 parallel wrong passwords at one account: at most 20 reach the hasher, the rest are 429', async () => {
    const email = freshEmail('burst');
    await verifiedAccount(t, { email });
    hasher.resetCalls();
    const replies = await Promise.all(
      Array.from({ length: 30 }, () => login(t, email, 'wrong guess 123456')),
    );
    const verified = hasher.calls.verify + hasher.calls.verifyDummy;
    assert.ok(verified <= 20, `argon2 verifications: ${verified}`);
    const statuses = new Set(replies.map((r) => r.statusCode));
    assert.deepEqual([...statuses].sort(), [401, 429]);
    assert.equal(replies.filter((r) => r.statusCode === 401).length, verified);
    for (const r of replies.filter((x) => x.statusCode === 429))
      assert.ok(Number(r.headers['retry-after']) >= 1);
  });
});
