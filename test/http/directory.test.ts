// GET /v1/users: search by name, username and headline, filters, keyset pages.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import {
  type DirectoryQuery,
  type Start,
  searchQuery,
} from '../../src/modules/directory/directory.repository.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { get, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { makeAdmin, account as newAccount } from '../helpers/factories.ts';

describe(`directory (${testDialect})`, () => {
  let t: TestApp;
  let viewer: string;
  // A word unique to this run, so other tests' users never match.
  const run = `zq${randomUUID().replaceAll('-', '').slice(0, 8)}`;

  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
    viewer = (await account({})).token;
  });
  after(() => t.close());

  const account = (profile: object) => newAccount(t, { label: 'dir', profile });

  const search = (query: string, token = viewer) => get(t, `/v1/users?${query}`, token);
  const idsOf = async (query: string): Promise<string[]> => {
    const res = await search(query);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().items.map((u: { id: string }) => u.id);
  };

  it('q matches first, last and display name, username and headline by prefix and infix, any case', async () => {
    const jeremy = await account({ name: { first: 'Jeremy', last: run } });
    const majerle = await account({ name: { first: 'Dan', last: `Majerle${run}` } });
    const display = await account({ name: { display: `The JERboa ${run}` } });
    const headline = await account({ headline: `Ninja ${run} engineer` });
    const username = await account({ username: `${run}_user` });
    const other = await account({ name: { first: 'Ada', last: run } });

    assert.deepEqual(await idsOf(`q=jer%20${run}`), [jeremy.id, majerle.id, display.id]);
    assert.deepEqual(await idsOf(`q=JER%20${run.toUpperCase()}`), [jeremy.id, majerle.id, display.id]);
    assert.deepEqual(await idsOf(`q=${run}%20engineer`), [headline.id]);
    assert.deepEqual(await idsOf(`q=${run}_us`), [username.id]);
    assert.deepEqual(await idsOf(`q=ada%20${run}`), [other.id]);
    assert.deepEqual(await idsOf(`q=Ada%20Lovelace${run}`), [], 'every word must occur');
    assert.equal((await idsOf(`q=${run}`)).length, 6);
    // Short words (under three letters) are matched too, without the trigram index.
    assert.deepEqual(await idsOf(`q=je%20${run}`), [jeremy.id, majerle.id, display.id]);
  });

  it('% and _ are literal characters, not wildcards', async () => {
    const percent = await account({ headline: `100%_sure ${run}w` });
    await account({ headline: `100 x sure ${run}w` });
    await account({ headline: `100abcsure ${run}w` });
    assert.deepEqual(await idsOf(`q=${encodeURIComponent(`100%_sure ${run}w`)}`), [percent.id]);
    assert.deepEqual(await idsOf(`q=${encodeURIComponent(`%_ ${run}w`)}`), [percent.id]);
    assert.deepEqual(await idsOf(`q=${encodeURIComponent(`0% ${run}w`)}`), [percent.id]);
    assert.deepEqual(await idsOf(`q=${encodeURIComponent(`"100 ${run}w`)}`), [], 'a quote is literal too');
  });

  it('filters by role, by all of several tags and by completeness; bad filters are 422', async () => {
    const tag = `${run}t`;
    const both = await account({ tags: [`${tag}-a`, `${tag} B`], bio: 'x', headline: 'y' });
    const onlyA = await account({ tags: [`${tag}-a`] });
    const admin = await account({ tags: [`${tag}-a`] });
    await makeAdmin(t, admin.id);

    assert.deepEqual(await idsOf(`tags=${tag}-a`), [both.id, onlyA.id, admin.id]);
    assert.deepEqual(await idsOf(`tags=${tag}-a,${encodeURIComponent(`${tag} b`)}`), [both.id]);
    // Staff roles are not public: to a user, an admin is a `user` and a filter by `admin` finds nobody.
    assert.deepEqual(await idsOf(`tags=${tag}-a&role=admin`), []);
    assert.deepEqual(await idsOf(`tags=${tag}-a&role=user`), [both.id, onlyA.id, admin.id]);
    const asAdmin = async (query: string) =>
      (await search(query, admin.token)).json().items.map((u: { id: string }) => u.id);
    assert.deepEqual(await asAdmin(`tags=${tag}-a&role=admin`), [admin.id]);
    assert.deepEqual(await asAdmin(`tags=${tag}-a&role=user`), [both.id, onlyA.id]);
    // The public score: a verified account (10) + bio (10) + headline (10) = 30 of the 85
    // others can see, 35; the others have 10 of 85, 12.
    assert.deepEqual(await idsOf(`tags=${tag}-a&completenessMin=30`), [both.id]);
    assert.deepEqual(await idsOf(`tags=${tag}-a&completenessMax=12`), [onlyA.id, admin.id]);
    assert.deepEqual(await idsOf(`tags=${tag}-a&completenessMin=12&completenessMax=12`), [
      onlyA.id,
      admin.id,
    ]);

    for (const bad of [
      'completenessMin=-1',
      'completenessMax=101',
      'completenessMin=abc',
      'completenessMin=60&completenessMax=40',
      'role=owner',
      'limit=0',
      'limit=101',
      `q=${'a'.repeat(101)}`,
      `tags=${Array.from({ length: 11 }, (_, i) => `t${i}`).join(',')}`,
    ]) {
      const res = await search(bad);
      assert.equal(res.statusCode, 422, bad);
      assert.equal(res.json().code, 'validation_failed', bad);
      assert.ok(res.json().errors.length > 0, bad);
    }
  });

  it('keyset pages cover the set exactly once, even while users join; bad cursors are 400', async () => {
    const tag = `${run}-page`;
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await account({ tags: [tag] })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await search(`tags=${tag}&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(res.statusCode, 200);
      seen.push(...res.json().items.map((u: { id: string }) => u.id));
      cursor = res.json().nextCursor;
      // Someone joins with the same tag while the pages are read.
      if (pages === 0) made.push((await account({ tags: [tag] })).id);
      pages++;
    } while (cursor !== null && pages < 10);
    assert.deepEqual(seen, made, 'every user once, in order, the newcomer at the end');
    assert.equal(pages, 3);

    for (const garbage of [
      '%21%21garbage',
      'eyJrIjo1fQ',
      encodeURIComponent(Buffer.from('{}').toString('base64url')),
      encodeURIComponent(Buffer.from(JSON.stringify({ k: 'not-an-id' })).toString('base64url')),
    ]) {
      const res = await search(`tags=${tag}&cursor=${garbage}`);
      assert.equal(res.statusCode, 400, garbage);
      assert.equal(res.json().code, 'invalid_cursor');
    }
  });

  it('items are public views; banned and deleted users drop out; signed-out callers get 401', async () => {
    const tag = `${run}-vis`;
    const shown = await account({ tags: [tag], contact: { city: 'Hidden City' } });
    const banned = await account({ tags: [tag] });
    const erased = await account({ tags: [tag] });
    await t.db.database.db
      .updateTable('users')
      .set({ status: 'banned' })
      .where('id', '=', banned.id)
      .execute();
    const del = await request(t, 'DELETE', '/v1/me', {
      token: erased.token,
      body: { password: erased.password },
    });
    assert.equal(del.statusCode, 204);
    const res = await search(`tags=${tag}`);
    assert.deepEqual(
      res.json().items.map((u: { id: string }) => u.id),
      [shown.id],
    );
    const item = res.json().items[0];
    for (const hidden of ['email', 'phone', 'contact', 'emailVerified'])
      assert.equal(hidden in item, false, hidden);
    assert.doesNotMatch(res.body, /Hidden City|@example\.com/);
    assert.equal(res.json().nextCursor, null);
    const anonymous = await get(t, '/v1/users');
    assert.equal(anonymous.statusCode, 401);
  });

  it('a search is answered from the engine index, not a scan', async () => {
    const { db, dialect } = t.db.database;
    const query = searchQuery(db, dialect, { terms: ['jer', 'majerle'], tags: [], limit: 20 }, []);
    const { sql: text, parameters } = query.compile();
    if (dialect === 'sqlite') {
      const plan = await db.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${text}`, [...parameters]),
      );
      const details = plan.rows.map((r) => r.detail).join('\n');
      assert.match(details, /VIRTUAL TABLE INDEX/, details);
    } else {
      await db.transaction().execute(async (trx) => {
        // A handful of rows, and statistics that autovacuum may or may not have
        // gathered yet: fresh statistics, with scans and plain index walks
        // priced out, make the planner show which index answers the term.
        await sql`analyze users, profiles, user_search`.execute(trx);
        await sql`set local enable_seqscan = off`.execute(trx);
        await sql`set local enable_indexscan = off`.execute(trx);
        const plan = await trx.executeQuery<{ 'QUERY PLAN': string }>(
          CompiledQuery.raw(`explain ${text}`, [...parameters]),
        );
        const lines = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
        assert.match(lines, /user_search_doc_trgm/, lines);
      });
    }
  });

  it('q has at most 8 words: a ninth is a 422, not silently dropped', async () => {
    const eight = 'one two three four five six seven eight';
    assert.equal((await search(`q=${encodeURIComponent(eight)}`)).statusCode, 200);
    const res = await search(`q=${encodeURIComponent(`${eight} nine`)}`);
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().code, 'validation_failed');
    assert.deepEqual(
      res.json().errors.map((e: { path: string }) => e.path),
      ['query.q'],
    );
  });

  it('q and tags refuse noncharacters (U+FFFE, U+FFFF), which the database would read as U+FFFD', async () => {
    for (const [name, value] of [
      ['q', 'ab\uFFFF'],
      ['q', '\uFFFE'],
      ['tags', 'ab\uFFFF'],
      ['tags', 'rust,\u{10FFFF}'],
    ] as const) {
      const res = await search(`${name}=${encodeURIComponent(value)}`);
      assert.equal(res.statusCode, 422, res.body);
      assert.deepEqual(
        res.json().errors.map((e: { path: string }) => e.path),
        [`query.${name}`],
      );
    }
  });

  it('a tag nobody uses is an empty page, alone or with other filters', async () => {
    await account({ tags: [`${run}-used`], headline: `${run} used` });
    for (const query of [
      `tags=${run}-unused`,
      `tags=${run}-used,${run}-unused`,
      `tags=${run}-unused&q=${run}`,
      `tags=${run}-unused&completenessMin=0&completenessMax=100`,
    ]) {
      const res = await search(query);
      assert.equal(res.statusCode, 200, `${query}: ${res.body}`);
      assert.deepEqual(res.json(), { items: [], nextCursor: null }, query);
    }
  });

  it('starting from a rare tag, role or completeness range finds what the walk finds, page by page', async () => {
    const { db, dialect } = t.db.database;
    const common = `${run}-sp-common`;
    const rare = `${run}-sp-rare`;
    const made: string[] = [];
    // Public completeness: 12 (a verified account), 24 with a bio, 35 with a headline too.
    for (let i = 0; i < 12; i++) {
      const tags = i % 5 === 1 ? [common, rare] : [common];
      const extra = i % 3 === 0 ? { bio: 'b' } : i % 3 === 1 ? { bio: 'b', headline: 'h' } : {};
      made.push((await account({ tags, ...extra })).id);
    }
    const admin = made[6]!;
    await makeAdmin(t, admin);

    const run_ = async (query: DirectoryQuery) =>
      (await searchQuery(db, dialect, query, []).execute()).map((r) => ({ seq: Number(r.seq), id: r.id }));
    const cases: [string, DirectoryQuery, Start, number][] = [
      ['admins among the common tag', { terms: [], tags: [common], roles: ['admin'], limit: 50 }, 'role', 1],
      ['the rare tag', { terms: [], tags: [rare], limit: 50 }, 'tag', 3],
      ['the rare tag and the common one', { terms: [], tags: [rare, common], limit: 50 }, 'tag', 3],
      ['the rare tag, admins', { terms: [], tags: [rare, common], roles: ['admin'], limit: 50 }, 'tag', 1],
      [
        'the rare tag, completeness 20 and up',
        { terms: [], tags: [rare], completenessMin: 20, limit: 50 },
        'tag',
        2,
      ],
      [
        'completeness 35 among the common tag',
        { terms: [], tags: [common], completenessMin: 35, completenessMax: 35, limit: 50 },
        'completeness',
        4,
      ],
      [
        'completeness up to 12 among the common tag',
        { terms: [], tags: [common], completenessMax: 12, limit: 50 },
        'completeness',
        4,
      ],
      [
        'completeness 20 to 35, a short term',
        { terms: ['h'], tags: [common], completenessMin: 20, completenessMax: 35, limit: 50 },
        'completeness',
        4,
      ],
    ];
    for (const [label, query, start, expected] of cases) {
      const walked = await run_(query);
      assert.equal(walked.length, expected, `${label}: ${JSON.stringify(walked)}`);
      assert.ok(
        walked.every((r) => made.includes(r.id)),
        label,
      );
      assert.deepEqual(await run_({ ...query, start }), walked, `${label}: starting from the ${start}`);
      // Page by page (limit 1, after the previous page's place): the same ids in the same order.
      const paged: { seq: number; id: string }[] = [];
      for (let after: number | undefined; paged.length <= walked.length; ) {
        const page = await run_({ ...query, start, limit: 1, ...(after === undefined ? {} : { after }) });
        if (page.length === 0) break;
        paged.push(page[0]!);
        after = page[0]!.seq;
      }
      assert.deepEqual(paged, walked, `${label}: paged from the ${start}`);
    }

    // Through the API as well, which starts from a tag or range only when few users pass it
    // (at least one): one user alone carries this tag and this completeness.
    const single = `${run}-sp-single`;
    const alone = await account({
      tags: [common, single],
      bio: 'b',
      headline: 'h',
      about: 'a',
      location: 'Lyon',
      locale: 'fr-FR',
      timezone: 'Europe/Paris',
      pronouns: 'they/them',
      contact: { city: 'Lyon' },
      socials: { website: 'https://example.com' },
    });
    assert.deepEqual(await idsOf(`tags=${single}`), [alone.id]);
    assert.deepEqual(await idsOf(`tags=${common},${single}`), [alone.id]);
    assert.deepEqual(await idsOf(`tags=${common}&completenessMin=71&completenessMax=80`), [alone.id]);
    assert.deepEqual(await idsOf(`tags=${rare}&completenessMin=71&completenessMax=80`), []);
    assert.deepEqual(await idsOf(`tags=${single}&role=admin`), []);
    // Through the API (which picks its own starting point): the walk's answer.
    const viaApi = await idsOf(`tags=${rare}`);
    assert.deepEqual(
      viaApi,
      (await run_({ terms: [], tags: [rare], limit: 50 })).map((r) => r.id),
    );
    const byRange = await idsOf(`tags=${common}&completenessMin=35&completenessMax=35`);
    assert.deepEqual(
      byRange,
      (await run_({ terms: [], tags: [common], completenessMin: 35, completenessMax: 35, limit: 50 })).map(
        (r) => r.id,
      ),
    );
  });
});
