// Seed 002's social routes from the document's samples: block and unblock,
// follow and unfollow, the follow lists with `limit` and `offset` (the `_id`
// of the last record of the previous page), follow requests and accepting
// one, and deleting a follow entry. Unknown ids and users hidden by a block
// are the same 404; a refused request changes nothing; never a 5xx.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../../helpers/build-test-app.ts';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { account, type SignedUpAccount } from '../../helpers/factories.ts';
import { anyRefusal, dataOf, ok, refused, USER_KEYS } from './seed-002.ts';

const UNKNOWN = '01J0000000000000000000000';

describe(`seed 002 social routes (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_COMPAT: '002', ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => t.close());

  const fresh = (label = 'seed2-social') => account(t, { label });
  const call = (
    method: 'GET' | 'PATCH' | 'POST' | 'DELETE',
    url: string,
    who: SignedUpAccount,
    body?: unknown,
  ) => request(t, method, url, { token: who.token, body });
  const records = async (url: string, who: SignedUpAccount) => {
    const data = dataOf(await call('GET', url, who));
    assert.deepEqual(Object.keys(data), ['records']);
    return data.records;
  };
  const counts = async (who: SignedUpAccount) => {
    const user = dataOf(await call('GET', '/user/me', who)).user[0];
    return [user.followerCount, user.followingCount];
  };

  it('follow (the sample’s body), the lists’ records in the samples’ shape, unfollow', async () => {
    const a = await fresh();
    const b = await fresh();
    ok(await call('POST', '/user/follow', a, { target: b.id }));
    ok(await call('POST', '/user/follow', a, [{ target: b.id }]));
    assert.deepEqual(await counts(b), [1, 0]);
    const followers = await records('/user/followers', b);
    assert.equal(followers.length, 1);
    assert.deepEqual(Object.keys(followers[0]), ['_id', 'approved', 'source']);
    assert.equal(followers[0].approved, true);
    assert.deepEqual(Object.keys(followers[0].source), USER_KEYS);
    assert.deepEqual([followers[0].source._id, followers[0].source.email], [a.id, null]);
    const following = await records('/user/following', a);
    assert.deepEqual(Object.keys(following[0]), ['_id', 'approved', 'target']);
    assert.equal(following[0].target._id, b.id);
    assert.equal(following[0]._id, followers[0]._id, 'one follow record, seen from either end');
    assert.equal((await records(`/user/${b.id}/followers`, a))[0].source._id, a.id);
    assert.equal((await records(`/user/${a.id}/following`, b))[0].target._id, b.id);
    ok(await call('POST', '/user/unfollow', a, { target: b.id }));
    ok(await call('POST', '/user/unfollow', a, { target: b.id }));
    assert.deepEqual(await records('/user/followers', b), []);
    assert.deepEqual(await counts(b), [0, 0]);
  });

  it('pages with limit and offset (the last record’s _id), on every list', async () => {
    const owner = await fresh();
    const fans: SignedUpAccount[] = [];
    for (let i = 0; i < 5; i += 1) {
      const fan = await fresh();
      ok(await call('POST', '/user/follow', fan, { target: owner.id }));
      ok(await call('POST', '/user/follow', owner, { target: fan.id }));
      fans.push(fan);
    }
    for (const url of ['/user/followers', '/user/following', `/user/${owner.id}/followers`]) {
      const seen: string[] = [];
      let offset: string | undefined;
      for (let round = 0; round < 4; round += 1) {
        const page = await records(`${url}?limit=2${offset ? `&offset=${offset}` : ''}`, owner);
        assert.ok(page.length <= 2);
        if (page.length === 0) break;
        seen.push(...page.map((r: { _id: string }) => r._id));
        offset = page[page.length - 1]._id;
      }
      assert.equal(seen.length, 5, url);
      assert.equal(new Set(seen).size, 5, `${url}: no record twice`);
    }
    // An offset that is no record of this list: a 400, not another list's page.
    const other = await fresh();
    const foreign = (await records('/user/following', fans[0]!))[0]._id;
    refused(await call('GET', `/user/followers?offset=${foreign}`, other), 400, 'invalid_cursor');
    refused(await call('GET', `/user/followers?offset=${UNKNOWN}`, owner), 400, 'invalid_cursor');
    for (const q of ['limit=0', 'limit=101', 'limit=abc', `offset=${'x'.repeat(65)}`, 'offset='])
      anyRefusal(await call('GET', `/user/followers?${q}`, owner));
  });

  it('a private account: follow requests, accepting one (the sample’s body), the lists it guards', async () => {
    const owner = await fresh();
    const asker = await fresh();
    const stranger = await fresh();
    ok(await call('POST', '/user/private', owner, { state: true }));
    ok(await call('POST', '/user/follow', asker, { target: owner.id }));
    assert.deepEqual(await counts(owner), [0, 0]);
    const requests = await records('/user/follow-requests', owner);
    assert.equal(requests.length, 1);
    assert.deepEqual(Object.keys(requests[0]), ['_id', 'approved', 'source']);
    assert.deepEqual([requests[0].approved, requests[0].source._id], [false, asker.id]);
    refused(await call('GET', `/user/${owner.id}/followers`, stranger), 403, 'private_account');
    // An offset on a list one may not read is the same 403: the list is settled before its offsets.
    refused(
      await call('GET', `/user/${owner.id}/followers?offset=${UNKNOWN}`, stranger),
      403,
      'private_account',
    );
    // Only the owner accepts; another's request id is a 404, accepting nothing.
    refused(await call('PATCH', '/user/follow-request', stranger, { request: requests[0]._id }), 404);
    refused(await call('PATCH', '/user/follow-request', owner, { request: UNKNOWN }), 404);
    assert.deepEqual(await counts(owner), [0, 0]);
    ok(await call('PATCH', '/user/follow-request', owner, [{ request: requests[0]._id }]));
    assert.deepEqual(await counts(owner), [1, 0]);
    assert.deepEqual(await records('/user/follow-requests', owner), []);
    assert.equal((await records(`/user/${owner.id}/followers`, asker))[0].source._id, asker.id);
    refused(await call('PATCH', '/user/follow-request', owner, { request: requests[0]._id }), 404);
  });

  it('DELETE /user/follow-entry removes a follower or a following; a stranger’s entry is a 404', async () => {
    const a = await fresh();
    const b = await fresh();
    const c = await fresh();
    ok(await call('POST', '/user/follow', a, { target: b.id }));
    ok(await call('POST', '/user/follow', b, { target: c.id }));
    const aToB = (await records('/user/followers', b))[0]._id;
    const bToC = (await records('/user/following', b))[0]._id;
    refused(await call('DELETE', '/user/follow-entry', c, { entry: aToB }), 404, 'not_found');
    refused(await call('DELETE', '/user/follow-entry', c, { entry: UNKNOWN }), 404, 'not_found');
    assert.deepEqual(await counts(b), [1, 1]);
    ok(await call('DELETE', '/user/follow-entry', b, { entry: aToB }));
    ok(await call('DELETE', '/user/follow-entry', b, { entry: bToC }));
    assert.deepEqual(await counts(b), [0, 0]);
    assert.deepEqual(await counts(a), [0, 0]);
    refused(await call('DELETE', '/user/follow-entry', b, { entry: aToB }), 404);
  });

  it('block and unblock (the samples’ bodies): a block hides both ways, as an unknown id', async () => {
    const a = await fresh();
    const b = await fresh();
    ok(await call('POST', '/user/follow', a, { target: b.id }));
    ok(await call('POST', '/user/follow', b, { target: a.id }));
    ok(await call('POST', '/user/block', a, { target: b.id }));
    ok(await call('POST', '/user/block', a, [{ target: b.id }]));
    assert.deepEqual(await counts(a), [0, 0], 'follows both ways end');
    const unknown = refused(await call('GET', `/user/${UNKNOWN}`, b), 404);
    assert.deepEqual(refused(await call('GET', `/user/${a.id}`, b), 404), unknown);
    const unknownFollow = refused(await call('POST', '/user/follow', b, { target: UNKNOWN }), 404);
    assert.deepEqual(refused(await call('POST', '/user/follow', b, { target: a.id }), 404), unknownFollow);
    refused(await call('GET', `/user/${a.id}/followers`, b), 404);
    assert.deepEqual(refused(await call('POST', '/user/block', b, { target: a.id }), 404), unknownFollow);
    refused(await call('POST', '/user/follow', a, { target: b.id }), 403, 'blocked_by_you');
    assert.deepEqual(await counts(a), [0, 0]);
    ok(await call('POST', '/user/unblock', a, { target: b.id }));
    ok(await call('POST', '/user/unblock', a, { target: b.id }));
    ok(await call('POST', '/user/follow', b, { target: a.id }));
    assert.deepEqual(await counts(a), [1, 0]);
  });

  it('refuses yourself, unknown users and hostile bodies, changing nothing; never a 5xx', async () => {
    const a = await fresh();
    for (const url of ['/user/follow', '/user/block']) {
      refused(await call('POST', url, a, { target: a.id }), 422);
      refused(await call('POST', url, a, { target: UNKNOWN }), 404, 'user_not_found');
    }
    for (const [method, url] of [
      ['POST', '/user/follow'],
      ['POST', '/user/unfollow'],
      ['POST', '/user/block'],
      ['POST', '/user/unblock'],
      ['PATCH', '/user/follow-request'],
      ['DELETE', '/user/follow-entry'],
    ] as const)
      for (const body of [
        {},
        { target: 5, request: 5, entry: 5 },
        { target: null, request: null, entry: null },
        { target: ['x'], request: ['x'], entry: ['x'] },
        { target: 'x'.repeat(5000), request: 'x'.repeat(5000), entry: 'x'.repeat(5000) },
        { target: { $gt: '' }, request: { $gt: '' }, entry: { $gt: '' } },
        { target: "1' OR '1'='1", request: "1' OR '1'='1", entry: "1' OR '1'='1" },
        [{}, {}],
      ]) {
        // Undoing what is not there is fine (unfollow, unblock); anything else is a refusal.
        const res = await call(method, url, a, body);
        if (res.statusCode === 200 && (url === '/user/unfollow' || url === '/user/unblock')) ok(res);
        else anyRefusal(res);
      }
    assert.deepEqual(await counts(a), [0, 0]);
    refused(await request(t, 'POST', '/user/follow', { body: { target: a.id } }), 401);
  });
});
