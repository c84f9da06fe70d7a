// Seed 002's search and invite codes from the document's samples:
// POST /user/search ({"query": "rick"}) answers the sample's records with the
// user's object as `source`, leaving out users hidden by a block; GET
// /user/invite-codes answers the caller's codes, `targetId` only on a used
// one. Each refuses a token without its scope; hostile bodies get a 4xx.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../../helpers/build-test-app.ts';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { account, type SignedUpAccount } from '../../helpers/factories.ts';
import { anyRefusal, dataOf, refused, USER_KEYS } from './seed-002.ts';

describe(`seed 002 search and invite codes (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_COMPAT: '002', ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => t.close());

  const call = (method: 'GET' | 'POST', url: string, who: SignedUpAccount, body?: unknown) =>
    request(t, method, url, { token: who.token, body });

  it('POST /user/search: the sample’s query finds Rick, as the sample’s record; a block hides him', async () => {
    const rick = await account(t, {
      label: 'seed2-rick',
      username: 'rick_asthley',
      fields: { firstName: 'Rick', lastName: 'Asthley' },
    });
    const viewer = await account(t, { label: 'seed2-searcher' });
    const found = async () => dataOf(await call('POST', '/user/search', viewer, { query: 'rick' })).results;
    const results = await found();
    assert.deepEqual(
      results.map((r: { _id: string }) => r._id),
      [rick.id],
    );
    assert.deepEqual(Object.keys(results[0]), ['_id', 'approved', 'source']);
    assert.deepEqual(Object.keys(results[0].source), USER_KEYS);
    assert.deepEqual(
      [results[0].source.username, results[0].source.firstName, results[0].source.email],
      ['rick_asthley', 'Rick', null],
    );
    assert.deepEqual(
      dataOf(await call('POST', '/user/search', viewer, [{ query: 'nobody-matches-this' }])).results,
      [],
    );
    assert.equal((await call('POST', `/v1/users/${viewer.id}/block`, rick)).statusCode, 204);
    assert.deepEqual(await found(), []);
  });

  it('POST /user/search refuses a missing, empty, mistyped or oversized query with a 4xx', async () => {
    const viewer = await account(t);
    for (const body of [
      {},
      { query: '' },
      { query: 5 },
      { query: ['rick'] },
      { query: 'x'.repeat(201) },
      'rick',
    ])
      anyRefusal(await call('POST', '/user/search', viewer, body));
    // The field at fault is named `query`, as the document names it.
    for (const body of [{}, { query: 5 }, { query: ['rick'] }]) {
      const error = refused(await call('POST', '/user/search', viewer, body), 422, 'validation_failed');
      assert.deepEqual(
        error.errors.map((e: { field: string }) => e.field),
        ['query'],
      );
    }
  });

  it('POST /user/search pages with limit and offset (the last result’s _id), as the lists do', async () => {
    const viewer = await account(t, { label: 'seed2-pager' });
    const matching: string[] = [];
    for (let i = 0; i < 5; i += 1)
      matching.push((await account(t, { fields: { firstName: 'Pagedsearch', lastName: `Number${i}` } })).id);
    const search = (query: string) => call('POST', `/user/search?${query}`, viewer, { query: 'pagedsearch' });
    const seen: string[] = [];
    let offset: string | undefined;
    for (let round = 0; round < 4; round += 1) {
      const { results } = dataOf(await search(`limit=2${offset ? `&offset=${offset}` : ''}`));
      assert.ok(results.length <= 2);
      seen.push(...results.map((r: { _id: string }) => r._id));
      if (results.length < 2) break;
      offset = results[results.length - 1]._id;
    }
    assert.deepEqual(seen.sort(), [...matching].sort(), 'every match once, across pages');
    assert.equal(dataOf(await search('')).results.length, 5, 'one page of up to 20 without a limit');
    // An offset that is no listed user is a 400; so is one who blocks the viewer (as unknown as a 404).
    refused(await search('offset=00000000-0000-4000-8000-000000000000'), 400, 'invalid_cursor');
    const blocker = await account(t, { fields: { firstName: 'Pagedsearch' } });
    assert.equal(
      dataOf(await search(`offset=${blocker.id}`)).results.length,
      0,
      'the newest: nothing after it',
    );
    assert.equal((await call('POST', `/v1/users/${viewer.id}/block`, blocker)).statusCode, 204);
    refused(await search(`offset=${blocker.id}`), 400, 'invalid_cursor');
    for (const q of ['limit=0', 'limit=101', 'limit=abc', `offset=${'x'.repeat(65)}`, 'offset='])
      anyRefusal(await search(q));
  });

  it('GET /user/invite-codes: the sample’s shape, targetId only once used', async () => {
    const host = await account(t, { label: 'seed2-host' });
    assert.deepEqual(dataOf(await call('GET', '/user/invite-codes', host)), { inviteCodes: [] });
    const first = (await call('POST', '/v1/me/invite-codes', host, {})).json();
    const second = (await call('POST', '/v1/me/invite-codes', host, {})).json();
    const invited = await account(t, { fields: { inviteCode: first.code } });
    const { inviteCodes } = dataOf(await call('GET', '/user/invite-codes', host));
    assert.equal(inviteCodes.length, 2);
    const used = inviteCodes.find((c: { code: string }) => c.code === first.code);
    const unused = inviteCodes.find((c: { code: string }) => c.code === second.code);
    assert.deepEqual(Object.keys(used), ['code', 'createdAt', 'updatedAt', 'targetId']);
    assert.equal(used.targetId, invited.id);
    assert.deepEqual(Object.keys(unused), ['code', 'createdAt', 'updatedAt']);
    assert.equal(unused.updatedAt, unused.createdAt);
    // Another user's list holds none of them.
    assert.deepEqual(dataOf(await call('GET', '/user/invite-codes', invited)), { inviteCodes: [] });
    refused(await request(t, 'GET', '/user/invite-codes'), 401);
  });
});
