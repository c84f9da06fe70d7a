// GET /v1/users: search by name, username and headline, filters, keyset pages.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import { searchQuery } from '../../src/modules/directory/directory.repository.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { testDialect } from '../helpers/dialect.ts';

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

  let n = 0;
  async function account(profile: object): Promise<{ token: string; id: string }> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: `dir-${n++}-${randomUUID()}@example.com`, password: 'directory passphrase' },
    });
    assert.equal(res.statusCode, 201);
    const token = res.json().session.accessToken as string;
    if (Object.keys(profile).length > 0) {
      const patched = await t.app.inject({
        method: 'PATCH',
        url: '/v1/me',
        headers: { authorization: `Bearer ${token}` },
        payload: profile,
      });
      assert.equal(patched.statusCode, 200, patched.body);
    }
    return { token, id: res.json().user.id };
  }

  const search = (query: string, token = viewer) =>
    t.app.inject({ method: 'GET', url: `/v1/users?${query}`, headers: { authorization: `Bearer ${token}` } });
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
    await t.db.database.db.updateTable('users').set({ role: 'admin' }).where('id', '=', admin.id).execute();

    assert.deepEqual(await idsOf(`tags=${tag}-a`), [both.id, onlyA.id, admin.id]);
    assert.deepEqual(await idsOf(`tags=${tag}-a,${encodeURIComponent(`${tag} b`)}`), [both.id]);
    assert.deepEqual(await idsOf(`tags=${tag}-a&role=admin`), [admin.id]);
    assert.deepEqual(await idsOf(`tags=${tag}-a&role=user`), [both.id, onlyA.id]);
    // A verified email (10) + bio (10) + headline (10) = 30; the others have 10.
    assert.deepEqual(await idsOf(`tags=${tag}-a&completenessMin=30`), [both.id]);
    assert.deepEqual(await idsOf(`tags=${tag}-a&completenessMax=10`), [onlyA.id, admin.id]);
    assert.deepEqual(await idsOf(`tags=${tag}-a&completenessMin=10&completenessMax=10`), [
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
    const del = await t.app.inject({
      method: 'DELETE',
      url: '/v1/me',
      headers: { authorization: `Bearer ${erased.token}` },
      payload: { password: 'directory passphrase' },
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
    const anonymous = await t.app.inject({ method: 'GET', url: '/v1/users' });
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
        await sql`set local enable_seqscan = off`.execute(trx);
        const plan = await trx.executeQuery<{ 'QUERY PLAN': string }>(
          CompiledQuery.raw(`explain ${text}`, [...parameters]),
        );
        const lines = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
        assert.match(lines, /user_search_doc_trgm/, lines);
      });
    }
  });
});
