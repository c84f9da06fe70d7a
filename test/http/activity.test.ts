// Daily activity over HTTP: a service key records events (a retried event
// counts once, concurrent increments are exact), users record their own only
// where the operator allows it, bad events store nothing, and a sync walks
// every changed day exactly once, a day that changes again coming back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKeys } from '../../src/modules/sessions/api-keys.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account } from '../helpers/factories.ts';

interface Day {
  stream: string;
  scope: string;
  dayStart: string;
  firstAttempt: { total: number; correct: number };
  reattempt: { total: number; correct: number };
  overall: { total: number; correct: number };
}

describe(`daily activity (${testDialect})`, () => {
  let t: TestApp;
  let selfReport: TestApp;
  let key: string;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
    selfReport = await buildTestApp({
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', ROSTER_ACTIVITY_SELF_REPORT: 'true' },
    });
    key = (
      await createApiKeys({ db: t.db.database.db, clock: systemClock }).create('exam-app', ['activity:write'])
    ).key;
  });
  after(async () => {
    await t.close();
    await selfReport.close();
  });

  let n = 0;
  const event = (userId: string, over: Record<string, unknown> = {}) => ({
    id: `e-${n++}`,
    userId,
    stream: 'mcq',
    scope: 'neet-2027',
    kind: 'first_attempt',
    correct: true,
    at: '2026-11-30T10:00:00.000Z',
    ...over,
  });
  const record = (events: unknown[], target: TestApp = t, headers = { 'x-api-key': key }) =>
    request(target, 'POST', '/v1/activity/events', { body: { events }, headers });
  const days = async (token: string, query = '') => {
    const res = await request(t, 'GET', `/v1/me/activity/daily${query}`, { token });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { items: Day[]; nextCursor: string | null; hasMore: boolean };
  };

  it('counts each event once toward its day, first attempts and re-attempts apart', async () => {
    const me = await account(t);
    const batch = [
      event(me.id),
      event(me.id, { correct: false }),
      event(me.id, { kind: 'reattempt' }),
      event(me.id, { kind: 'reattempt', correct: false, at: '2026-11-30T23:59:59.999Z' }),
      event(me.id, { at: '2026-12-01T00:00:00.000Z' }),
    ];
    const res = await record(batch);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { accepted: 5, duplicates: 0 });
    // The same events again (a retry) change nothing.
    assert.deepEqual((await record(batch)).json(), { accepted: 0, duplicates: 5 });
    const { items } = await days(me.token);
    const byDay = Object.fromEntries(items.map((d) => [d.dayStart, d]));
    assert.deepEqual(byDay['2026-11-30T00:00:00.000Z'], {
      ...byDay['2026-11-30T00:00:00.000Z'],
      firstAttempt: { total: 2, correct: 1 },
      reattempt: { total: 2, correct: 1 },
      overall: { total: 4, correct: 2 },
    });
    assert.deepEqual(byDay['2026-12-01T00:00:00.000Z']?.overall, { total: 1, correct: 1 });
  });

  it('adds concurrent events exactly', async () => {
    const me = await account(t);
    const replies = await Promise.all(Array.from({ length: 20 }, () => record([event(me.id)])));
    for (const r of replies) assert.equal(r.statusCode, 200, r.body);
    const [day] = (await days(me.token)).items;
    assert.deepEqual(day?.firstAttempt, { total: 20, correct: 20 });
  });

  it('syncs every changed day exactly once, and a day changed again comes back', async () => {
    const me = await account(t);
    const dates = ['01', '02', '03', '04', '05', '06', '07'].map((d) => `2026-10-${d}T12:00:00.000Z`);
    assert.equal((await record(dates.map((at) => event(me.id, { at })))).statusCode, 200);
    const seen: string[] = [];
    let cursor: string | null = null;
    let more = true;
    while (more) {
      const page = await days(me.token, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((d) => d.dayStart));
      cursor = page.nextCursor;
      more = page.hasMore;
    }
    assert.deepEqual(
      seen.sort(),
      dates.map((d) => `${d.slice(0, 10)}T00:00:00.000Z`),
    );
    // Caught up: nothing new from here.
    assert.deepEqual((await days(me.token, `?cursor=${cursor}`)).items, []);
    assert.equal((await record([event(me.id, { at: dates[2], kind: 'reattempt' })])).statusCode, 200);
    const again = await days(me.token, `?cursor=${cursor}`);
    assert.deepEqual(
      again.items.map((d) => [d.dayStart, d.overall.total]),
      [['2026-10-03T00:00:00.000Z', 2]],
    );
    // `from` leaves out earlier days.
    const recent = await days(me.token, '?from=2026-10-05');
    assert.deepEqual(recent.items.map((d) => d.dayStart).sort(), [
      '2026-10-05T00:00:00.000Z',
      '2026-10-06T00:00:00.000Z',
      '2026-10-07T00:00:00.000Z',
    ]);
    const bad = await request(t, 'GET', '/v1/me/activity/daily?cursor=bm90LWEtY3Vyc29y', { token: me.token });
    assertProblem(bad, 400, 'invalid_cursor');
  });

  it('refuses bad events and stores none of the batch', async () => {
    const me = await account(t);
    for (const bad of [
      event(me.id, { kind: 'guess' }),
      event(me.id, { stream: 'MCQ' }),
      event(me.id, { scope: '' }),
      event(me.id, { at: 'yesterday' }),
      event(me.id, { at: '2099-01-01T00:00:00.000Z' }),
      event(me.id, { id: 'x'.repeat(129) }),
    ]) {
      const res = await record([event(me.id), bad]);
      assert.equal(res.statusCode, 422, `${JSON.stringify(bad)}: ${res.body}`);
    }
    assert.equal((await record([event('01a23000-0000-7000-8000-000000000000')])).statusCode, 404);
    assertProblem(await record(Array.from({ length: 101 }, () => event(me.id))), 422, 'validation_failed');
    assert.deepEqual((await days(me.token)).items, []);
  });

  it('lets users record their own events only where the operator allows it', async () => {
    const me = await account(t);
    const own = await record([event(me.id)], t, { authorization: `Bearer ${me.token}` } as never);
    assertProblem(own, 403, 'forbidden');
    const other = await account(selfReport);
    const mine = await account(selfReport);
    const auth = { authorization: `Bearer ${mine.token}` } as never;
    const allowed = await record([{ ...event(mine.id), userId: undefined }], selfReport, auth);
    assert.equal(allowed.statusCode, 200, allowed.body);
    assertProblem(await record([event(other.id)], selfReport, auth), 403, 'forbidden');
  });

  it('syncs one stream and scope when asked, the others left out', async () => {
    const me = await account(t);
    await record([event(me.id), event(me.id, { scope: 'jee-2027' }), event(me.id, { stream: 'docket' })]);
    const only = await days(me.token, '?stream=mcq&scope=neet-2027');
    assert.deepEqual(
      only.items.map((d) => [d.stream, d.scope]),
      [['mcq', 'neet-2027']],
    );
    assert.equal((await days(me.token, '?scope=jee-2027')).items.length, 1);
    assert.equal((await days(me.token)).items.length, 3);
    const res = await request(t, 'GET', '/v1/me/activity/daily?stream=MCQ', { token: me.token });
    assertProblem(res, 422, 'validation_failed');
  });
});
