// Content reports over HTTP: users report content or another user (a retry is
// the same report), bad input is refused and stores nothing, a flood meets
// the per-reporter limit, staff page through the queue and resolve reports
// (audited with the acting admin), and everyone else gets 403.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, makeAdmin } from '../helpers/factories.ts';

const MCQ = {
  subject: { type: 'mcq', id: '64f1c0ffee', shortId: 'Q-1042' },
  issueType: 'wrong_answer',
  context: { type: 'course', id: 'neet-2027' },
  comments: '  Option B is the right one.  ',
};

describe(`content reports (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => t.close());

  const file = (token: string, body: unknown) => request(t, 'POST', '/v1/reports', { token, body });
  const count = async () =>
    Number(
      (
        await t.db.database.db
          .selectFrom('reports')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('files a report about content, and the same report again answers the first', async () => {
    const me = await account(t);
    const first = await file(me.token, MCQ);
    assert.equal(first.statusCode, 201, first.body);
    assert.deepEqual(
      { ...(first.json() as object), id: undefined, createdAt: undefined },
      {
        id: undefined,
        createdAt: undefined,
        subject: MCQ.subject,
        issueType: 'wrong_answer',
        context: MCQ.context,
        comments: 'Option B is the right one.',
        status: 'open',
      },
    );
    const again = await file(me.token, MCQ);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().id, first.json().id);
    // Another issue with the same question is another report.
    const other = await file(me.token, { ...MCQ, issueType: 'typo' });
    assert.equal(other.statusCode, 201);
  });

  it('reports a user, one who blocks the reporter included, but not oneself or nobody', async () => {
    const [me, them] = [await account(t), await account(t)];
    assert.equal(
      (await request(t, 'POST', `/v1/users/${me.id}/block`, { token: them.token })).statusCode,
      204,
    );
    const res = await file(me.token, { subject: { type: 'user', id: them.id }, issueType: 'abuse' });
    assert.equal(res.statusCode, 201, res.body);
    assertProblem(
      await file(me.token, { subject: { type: 'user', id: me.id }, issueType: 'abuse' }),
      422,
      'report_self',
    );
    const nobody = await file(me.token, {
      subject: { type: 'user', id: '01a23000-0000-7000-8000-000000000000' },
      issueType: 'abuse',
    });
    assertProblem(nobody, 404, 'user_not_found');
  });

  it('refuses bad input and stores nothing', async () => {
    const me = await account(t);
    const before = await count();
    for (const body of [
      {},
      { ...MCQ, subject: { type: 'MCQ!', id: 'x' } },
      { ...MCQ, subject: { type: 'mcq', id: '' } },
      { ...MCQ, subject: { type: 'mcq', id: 'x'.repeat(129) } },
      { ...MCQ, issueType: 'x'.repeat(33) },
      { ...MCQ, comments: 'x'.repeat(2001) },
      { ...MCQ, comments: 'bell\u0007' },
      { ...MCQ, context: { type: 'course' } },
      { ...MCQ, status: 'resolved' },
    ]) {
      const res = await file(me.token, body);
      assertProblem(res, 422, 'validation_failed');
    }
    assert.equal(await count(), before);
    assertProblem(await request(t, 'POST', '/v1/reports', { body: MCQ }), 401, 'unauthenticated');
  });

  it('holds a flood to twenty reports an hour per reporter', async () => {
    const me = await account(t);
    for (let i = 0; i < 20; i++) {
      const res = await file(me.token, { ...MCQ, subject: { type: 'mcq', id: `q-${i}` } });
      assert.equal(res.statusCode, 201, res.body);
    }
    const limited = await file(me.token, { ...MCQ, subject: { type: 'mcq', id: 'q-20' } });
    assert.equal(limited.statusCode, 429);
    // A retry of one already filed is still answered.
    assert.equal((await file(me.token, { ...MCQ, subject: { type: 'mcq', id: 'q-3' } })).statusCode, 200);
  });

  it('lets staff page through the queue and resolve a report once, audited with the admin', async () => {
    const [reporter, staff, plain] = [await account(t), await account(t), await account(t)];
    await makeAdmin(t, staff.id);
    const filed = [];
    for (const id of ['a', 'b', 'c'])
      filed.push((await file(reporter.token, { ...MCQ, subject: { type: 'docket', id } })).json());
    assertProblem(await request(t, 'GET', '/v1/admin/reports', { token: plain.token }), 403, 'forbidden');
    const first = await request(t, 'GET', '/v1/admin/reports?status=open&limit=2', { token: staff.token });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().items.length, 2);
    assert.equal(first.json().items[0].reporterId !== undefined, true);
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const url = `/v1/admin/reports?status=open&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await request(t, 'GET', url, { token: staff.token });
      for (const item of page.json().items) {
        assert.ok(!seen.has(item.id), 'each report once');
        seen.add(item.id);
      }
      cursor = page.json().nextCursor;
    } while (cursor);
    for (const f of filed) assert.ok(seen.has(f.id));

    const target = filed[1].id;
    const resolve = (token: string, body: unknown) =>
      request(t, 'POST', `/v1/admin/reports/${target}/resolve`, { token, body });
    assertProblem(await resolve(plain.token, { outcome: 'dismissed' }), 403, 'forbidden');
    assertProblem(await resolve(staff.token, { outcome: 'ignored' }), 422, 'validation_failed');
    const done = await resolve(staff.token, { outcome: 'actioned', note: 'Answer key fixed.' });
    assert.equal(done.statusCode, 200, done.body);
    assert.deepEqual(
      [done.json().status, done.json().outcome, done.json().resolutionNote, done.json().resolvedBy],
      ['resolved', 'actioned', 'Answer key fixed.', staff.id],
    );
    assertProblem(await resolve(staff.token, { outcome: 'dismissed' }), 409, 'report_resolved');
    const unknown = await request(
      t,
      'POST',
      '/v1/admin/reports/01a23000-0000-7000-8000-000000000000/resolve',
      {
        token: staff.token,
        body: { outcome: 'dismissed' },
      },
    );
    assertProblem(unknown, 404, 'report_not_found');
    const resolved = await request(t, 'GET', '/v1/admin/reports?status=resolved', { token: staff.token });
    assert.ok(resolved.json().items.some((r: { id: string }) => r.id === target));
    const audit = await t.db.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('type', '=', 'report.resolved')
      .execute();
    const row = audit.find((a) => String(a.detail).includes(target));
    assert.ok(row, 'the resolution is in the audit trail');
    assert.equal(row.user_id, staff.id);
    // jsonb on PostgreSQL comes back spaced; the fields are what count.
    const detail = (typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail) as Record<
      string,
      unknown
    >;
    assert.deepEqual([detail.by, detail.actorId, detail.outcome], ['user', staff.id, 'actioned']);
  });

  it('keeps an erased reporter’s reports without their name and drops reports about an erased user', async () => {
    const [reporter, subject, third] = [await account(t), await account(t), await account(t)];
    const mine = (await file(reporter.token, MCQ)).json();
    const aboutThem = (
      await file(third.token, { subject: { type: 'user', id: subject.id }, issueType: 'spam' })
    ).json();
    for (const who of [reporter, subject]) {
      const res = await request(t, 'DELETE', '/v1/me', {
        token: who.token,
        body: { password: who.password },
      });
      assert.equal(res.statusCode, 204, res.body);
    }
    const rows = await t.db.database.db
      .selectFrom('reports')
      .selectAll()
      .where('id', 'in', [mine.id, aboutThem.id])
      .execute();
    assert.deepEqual(
      rows.map((r) => [r.id, r.reporter_id]),
      [[mine.id, null]],
    );
  });
});
