// Numbered directory pages: `page` instead of a cursor gives the page and the
// exact total of matches for the viewer (blocks taken out), every filter
// counted alike; `owned` narrows to the accounts the viewer brought in (their
// referral or invite codes); pages reach the first 10,000 matches.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { pageOfMatches } from '../../src/modules/directory/directory.repository.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, type Json } from '../helpers/factories.ts';

describe(`numbered directory pages (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', ROSTER_RATE_LIMIT_USER_FACTOR: '0' },
    });
  });
  after(() => t.close());

  const list = async (token: string, query: string) => {
    const res = await request(t, 'GET', `/v1/users?${query}`, { token });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { items: Json[]; total: number; page: number; nextCursor: null };
  };

  it('pages through every match with the exact total, blocks taken out', async () => {
    const word = `pg${randomBytes(4).toString('hex')}`;
    const members: Awaited<ReturnType<typeof account>>[] = [];
    for (let i = 0; i < 25; i++)
      members.push(
        await account(t, { profile: { headline: `${word} member ${i}`, tags: i % 2 ? ['odd'] : ['even'] } }),
      );
    const viewer = await account(t);
    const seen: string[] = [];
    for (const page of [1, 2, 3]) {
      const reply = await list(viewer.token, `q=${word}&limit=10&page=${page}`);
      assert.equal(reply.total, 25);
      assert.equal(reply.page, page);
      assert.equal(reply.nextCursor, null);
      seen.push(...reply.items.map((u) => u.id));
    }
    assert.deepEqual(
      seen,
      members.map((m) => m.id),
    );
    const past = await list(viewer.token, `q=${word}&limit=10&page=4`);
    assert.deepEqual([past.items.length, past.total], [0, 25]);
    // Filters are counted as they match.
    assert.equal((await list(viewer.token, `q=${word}&tags=odd&page=1`)).total, 12);
    assert.equal((await list(viewer.token, `q=${word}&tags=odd,even&page=1`)).total, 0);
    // A block either way leaves the user out of the page and the count.
    await request(t, 'POST', `/v1/users/${members[3]!.id}/block`, { token: viewer.token });
    await request(t, 'POST', `/v1/users/${viewer.id}/block`, { token: members[4]!.token });
    const after = await list(viewer.token, `q=${word}&limit=10&page=1`);
    assert.equal(after.total, 23);
    assert.ok(!after.items.some((u) => u.id === members[3]!.id || u.id === members[4]!.id));
  });

  it('totals without search words come from counters that follow every change, blocks taken out', async () => {
    const tag = `ct${randomBytes(4).toString('hex')}`;
    const members: Awaited<ReturnType<typeof account>>[] = [];
    for (let i = 0; i < 6; i++) members.push(await account(t, { profile: { tags: [tag, `${tag}-x`] } }));
    const viewer = await account(t);
    const total = async (query: string) => (await list(viewer.token, `tags=${tag}&${query}&page=1`)).total;
    assert.equal(await total(''), 6);
    // A changed tag, a changed completeness, a block, an erasure: each moves the counters.
    await request(t, 'PATCH', '/v1/me', { token: members[0]!.token, body: { tags: ['other'] } });
    assert.equal(await total(''), 5);
    const rich = {
      headline: 'Counted',
      bio: 'Counts',
      about: 'Counting',
      location: 'Leeds',
      pronouns: 'they',
    };
    await request(t, 'PATCH', '/v1/me', { token: members[1]!.token, body: rich });
    const high = (await request(t, 'GET', `/v1/users/${members[1]!.id}`, { token: viewer.token })).json();
    assert.equal(await total(`completenessMin=${high.profileCompleteness}`), 1);
    assert.equal(await total(`completenessMax=${high.profileCompleteness - 1}`), 4);
    await request(t, 'POST', `/v1/users/${members[2]!.id}/block`, { token: viewer.token });
    assert.equal(await total(''), 4);
    const gone = await request(t, 'DELETE', '/v1/me', {
      token: members[3]!.token,
      body: { password: members[3]!.password },
    });
    assert.equal(gone.statusCode, 204);
    assert.equal(await total(''), 3);
    assert.equal(await total('role=user'), 3);
    // The counters are what counting the entries gives.
    const kept = (
      await t.db.database.db.selectFrom('directory_counts').selectAll().where('n', '!=', 0).execute()
    )
      .map((r) => `${r.tag_key}|${r.role}|${r.account_type}|${r.completeness}|${r.n}`)
      .sort();
    const { rows } = await sql<{ k: string; role: string; t: string; c: number; n: number | string }>`
      select '' as k, role, coalesce(account_type, '') as t, public_completeness as c, count(*) as n
        from user_search where listed = 1 group by role, coalesce(account_type, ''), public_completeness
      union all
      select g.tag_key, s.role, coalesce(s.account_type, ''), s.public_completeness, count(*)
        from user_search s join user_search_tags g on g.user_id = s.user_id where s.listed = 1
        group by g.tag_key, s.role, coalesce(s.account_type, ''), s.public_completeness`.execute(
      t.db.database.db,
    );
    assert.deepEqual(rows.map((r) => `${r.k}|${r.role}|${r.t}|${r.c}|${Number(r.n)}`).sort(), kept);
  });

  it('a word of up to three letters is counted by gram counters that follow every change, blocks taken out', async () => {
    // Letters no other test's names hold, so the totals are these users' alone.
    const word = 'ǯ';
    const members: Awaited<ReturnType<typeof account>>[] = [];
    for (const first of ['Aǯa', 'Bǯǯb', 'ǯc', 'Dǯ ǯd'])
      members.push(await account(t, { profile: { name: { first } } }));
    const viewer = await account(t);
    const total = async (q: string) =>
      (await list(viewer.token, `q=${encodeURIComponent(q)}&limit=2&page=1`)).total;
    assert.equal(await total(word), 4);
    assert.equal(await total('ǯc'), 1);
    assert.equal(await total('ǯd'), 1);
    assert.equal(await total('bǯǯ'), 1);
    await request(t, 'PATCH', '/v1/me', { token: members[2]!.token, body: { name: { first: 'Cee' } } });
    assert.equal(await total(word), 3);
    assert.equal(await total('ǯc'), 0);
    await request(t, 'POST', `/v1/users/${members[0]!.id}/block`, { token: viewer.token });
    assert.equal(await total(word), 2);
    const gone = await request(t, 'DELETE', '/v1/me', {
      token: members[1]!.token,
      body: { password: members[1]!.password },
    });
    assert.equal(gone.statusCode, 204);
    assert.equal(await total(word), 1);
    // The total is the counters' (moved by hand, it moves), and they are what
    // the listed documents hold, gram by gram.
    const db = t.db.database.db;
    const shift = async (by: number) => {
      const [result] = await db
        .updateTable('directory_gram_counts')
        .set({ n: sql`n + ${by}` })
        .where('gram', '=', word)
        .where('n', '>', 0)
        .execute();
      return Number(result?.numUpdatedRows);
    };
    const rows = await shift(5);
    assert.ok(rows >= 1);
    assert.equal(await total(word), 1 + 5 * rows);
    await shift(-5);
    const counted = new Map<string, number>();
    for (const { doc } of await db
      .selectFrom('user_search')
      .select('doc')
      .where('listed', '=', 1)
      .execute()) {
      const chars = [...doc];
      const grams = new Set<string>();
      for (let i = 0; i < chars.length; i++)
        for (const k of [1, 2, 3]) {
          const g = chars.slice(i, i + k).join('');
          if (i + k <= chars.length && !g.includes(' ') && !g.includes('\u001f')) grams.add(g);
        }
      for (const g of grams) counted.set(g, (counted.get(g) ?? 0) + 1);
    }
    const kept = await db
      .selectFrom('directory_gram_counts')
      .select(['gram', (eb) => eb.fn.sum<number | string>('n').as('n')])
      .groupBy('gram')
      .having((eb) => eb.fn.sum('n'), '!=', 0)
      .execute();
    assert.deepEqual(new Map(kept.map((r) => [r.gram, Number(r.n)])), counted);
    // A counter at 0 is dropped: ǯc left with the rename, ǯǯ with the erasure.
    const zero = await db.selectFrom('directory_gram_counts').select('gram').where('n', '=', 0).execute();
    assert.deepEqual(zero, []);
    assert.equal(
      (
        await db
          .selectFrom('directory_gram_counts')
          .select('gram')
          .where('gram', 'in', ['ǯc', 'ǯǯ'])
          .execute()
      ).length,
      0,
    );
  });

  it('a word matches as written, as its total counts it: no letter stands for another', async () => {
    const word = `q${randomBytes(3).toString('hex')}`.slice(0, 3);
    const long = `${word}${randomBytes(3).toString('hex')}`;
    // The text index folds ſ to s: the page must not find what the counters do not count.
    const plain = await account(t, { profile: { name: { first: `s${word}` }, headline: `s${long}` } });
    await account(t, { profile: { name: { first: `ſ${word}` }, headline: `ſ${long}` } });
    const viewer = await account(t);
    for (const q of [`s${word.slice(0, 2)}`, `s${long}`]) {
      const found = await list(viewer.token, `q=${q}&limit=5&page=1`);
      assert.deepEqual([found.total, found.items.map((u) => u.id)], [1, [plain.id]], q);
      const walked = (await request(t, 'GET', `/v1/users?q=${q}`, { token: viewer.token })).json();
      assert.deepEqual(
        walked.items.map((u: Json) => u.id),
        [plain.id],
        q,
      );
    }
  });

  it('a word with tags is counted among listed users only, as their texts, tags and standing change', async () => {
    const word = `lw${randomBytes(4).toString('hex')}`;
    const tag = `lt${randomBytes(4).toString('hex')}`;
    const members: Awaited<ReturnType<typeof account>>[] = [];
    for (let i = 0; i < 4; i++)
      members.push(await account(t, { profile: { headline: `${word} ${i}`, tags: [tag, 'shared'] } }));
    const viewer = await account(t);
    const count = async (query: string) => {
      const reply = await list(viewer.token, `${query}&limit=10&page=1`);
      assert.equal(reply.items.length, reply.total, query);
      return reply.total;
    };
    assert.equal(await count(`q=${word}&tags=${tag},shared`), 4);
    await request(t, 'PATCH', '/v1/me', { token: members[0]!.token, body: { tags: ['shared'] } });
    assert.equal(await count(`q=${word}&tags=${tag}`), 3);
    await request(t, 'PATCH', '/v1/me', { token: members[1]!.token, body: { headline: 'elsewhere' } });
    assert.equal(await count(`q=${word}&tags=${tag}`), 2);
    assert.equal(await count(`q=${word}`), 3);
    // Banned, then active again: the entry leaves the index and comes back.
    const db = t.db.database.db;
    await db.updateTable('users').set({ status: 'banned' }).where('id', '=', members[2]!.id).execute();
    assert.equal(await count(`q=${word}&tags=${tag}`), 1);
    assert.equal(await count(`q=${word}`), 2);
    await db.updateTable('users').set({ status: 'active' }).where('id', '=', members[2]!.id).execute();
    assert.equal(await count(`q=${word}&tags=${tag}`), 2);
    await request(t, 'POST', `/v1/users/${members[3]!.id}/block`, { token: viewer.token });
    assert.equal(await count(`q=${word}&tags=${tag}`), 1);
  });

  it('a tag matches whole keys only, however many the user carries', async () => {
    const tag = `tk${randomBytes(4).toString('hex')}`;
    const whole = await account(t, { profile: { tags: [`${tag}-x`, tag, 'other'] } });
    await account(t, { profile: { tags: [`${tag}-x`, `x-${tag}`] } });
    const viewer = await account(t);
    const found = await list(viewer.token, `tags=${tag},other&page=1`);
    assert.deepEqual([found.total, found.items.map((u) => u.id)], [1, [whole.id]]);
    assert.equal((await list(viewer.token, `tags=${tag}-x,${tag}&page=1`)).total, 1);
    await request(t, 'PATCH', '/v1/me', { token: whole.token, body: { tags: ['other'] } });
    assert.equal((await list(viewer.token, `tags=${tag}-x,other&page=1`)).total, 0);
  });

  it('a page is the same whether it is read by walking the order or by sorting the matches', async () => {
    const word = `rw${randomBytes(4).toString('hex')}`;
    const members: Awaited<ReturnType<typeof account>>[] = [];
    for (let i = 0; i < 5; i++) members.push(await account(t, { profile: { headline: `${word} ${i}` } }));
    const viewer = await account(t);
    const reply = await list(viewer.token, `q=${word}&limit=2&page=2`);
    assert.deepEqual([reply.total, reply.items.map((u) => u.id)], [5, [members[2]!.id, members[3]!.id]]);
    const { db, dialect } = t.db.database;
    const query = { terms: [word], tags: [], limit: 2 };
    for (const offset of [0, 2, 4])
      for (const sort of [false, true])
        assert.deepEqual(
          await pageOfMatches(db, dialect, query, [], offset, sort),
          members.slice(offset, offset + 2).map((m) => m.id),
          `offset ${offset}, sort ${sort}`,
        );
  });

  it('narrows to the accounts the viewer brought in', async () => {
    const host = await account(t);
    const { code } = (await request(t, 'GET', '/v1/me/referrals', { token: host.token })).json();
    const invite = (await request(t, 'POST', '/v1/me/invite-codes', { token: host.token, body: {} })).json();
    const referred = await account(t, { fields: { referralCode: code } });
    const invited = await account(t, { fields: { inviteCode: invite.code } });
    await account(t);
    const mine = await list(host.token, 'owned=true&page=1');
    assert.equal(mine.total, 2);
    assert.deepEqual(mine.items.map((u) => u.id).sort(), [referred.id, invited.id].sort());
    assert.equal((await list(referred.token, 'owned=true&page=1')).total, 0);
  });

  it('refuses a page with a cursor, and pages past the first 10,000 matches', async () => {
    const viewer = await account(t);
    assertProblem(
      await request(t, 'GET', '/v1/users?page=1&cursor=abc', { token: viewer.token }),
      400,
      'malformed_request',
    );
    assertProblem(
      await request(t, 'GET', '/v1/users?page=101&limit=100', { token: viewer.token }),
      422,
      'validation_failed',
    );
    assertProblem(
      await request(t, 'GET', '/v1/users?page=0', { token: viewer.token }),
      422,
      'validation_failed',
    );
    assert.equal(
      (await request(t, 'GET', '/v1/users?page=100&limit=100', { token: viewer.token })).statusCode,
      200,
    );
  });
});
