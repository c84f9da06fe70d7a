// The social graph over HTTP: follows and follow requests, followers and
// following lists in keyset pages, removing a follower, blocks (hidden both
// ways from profiles, search and lists), bookmarks, the relationship, and
// what deleting an account leaves behind.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { type Method, type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { type SignedUpAccount as Account, account as newAccount } from '../helpers/factories.ts';
import {
  assertProblem,
  codeOf,
  type Flow,
  freshEmail,
  freshPassword,
  freshUsername,
  startFlow,
} from '../helpers/flow.ts';

interface Relationship {
  following: boolean;
  followedBy: boolean;
  requested: boolean;
  requestedBy: boolean;
  blocking: boolean;
  blockedBy: boolean;
  bookmarked: boolean;
}

const NONE: Relationship = {
  following: false,
  followedBy: false,
  requested: false,
  requestedBy: false,
  blocking: false,
  blockedBy: false,
  bookmarked: false,
};

const PASSWORD = 'social graph passphrase';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe(`social graph (${testDialect})`, () => {
  let t: TestApp;
  /** Never follows or blocks anyone: sees everyone's public counts and lists. */
  let observer: Account;
  // A word unique to this run, so directory searches only see this file's users.
  const run = `sg${randomUUID().replaceAll('-', '').slice(0, 8)}`;

  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
    observer = await account();
  });
  after(() => t.close());

  const account = (profile: object = {}): Promise<Account> =>
    newAccount(t, { label: 'social', password: PASSWORD, profile });
  const call = (method: Method, url: string, who: Account, body?: object): Promise<Reply> =>
    request(t, method, url, { token: who.token, body });

  function expectProblem(res: Reply, status: number, code: string): void {
    assert.equal(res.statusCode, status, `expected ${status} ${code}: ${res.body}`);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(res.json().code, code, res.body);
  }

  const follow = (who: Account, target: string) => call('POST', `/v1/users/${target}/follow`, who);
  const unfollow = (who: Account, target: string) => call('DELETE', `/v1/users/${target}/follow`, who);
  const block = (who: Account, target: string) => call('POST', `/v1/users/${target}/block`, who);
  const unblock = (who: Account, target: string) => call('DELETE', `/v1/users/${target}/block`, who);
  const makePrivate = async (who: Account, isPrivate = true) => {
    const res = await call('PATCH', '/v1/me', who, { isPrivate });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().isPrivate, isPrivate);
  };

  async function expectFollow(who: Account, target: Account, status: 'following' | 'requested') {
    const res = await follow(who, target.id);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { status });
  }

  async function expectUnfollow(who: Account, target: Account) {
    const res = await unfollow(who, target.id);
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(res.body, '');
  }

  /** The counts in the user's own view and in the public view the observer gets; both must agree. */
  async function expectCounts(who: Account, followers: number, following: number, label = ''): Promise<void> {
    const me = await call('GET', '/v1/me', who);
    assert.equal(me.statusCode, 200, me.body);
    assert.deepEqual(
      { followers: me.json().followerCount, following: me.json().followingCount },
      { followers, following },
      `GET /v1/me ${label}`,
    );
    const pub = await call('GET', `/v1/users/${who.id}`, observer);
    assert.equal(pub.statusCode, 200, pub.body);
    assert.deepEqual(
      { followers: pub.json().followerCount, following: pub.json().followingCount },
      { followers, following },
      `GET /v1/users/{id} ${label}`,
    );
  }

  async function relationship(who: Account, target: Account): Promise<Relationship> {
    const res = await call('GET', `/v1/users/${target.id}/relationship`, who);
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  }

  /** Every page of a list, following nextCursor; the items' user ids in order. */
  async function listAll(who: Account, path: string, limit = 100): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res = await call(
        'GET',
        `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        who,
      );
      assert.equal(res.statusCode, 200, `${path}: ${res.body}`);
      const body = res.json();
      assert.ok(body.items.length <= limit);
      ids.push(...body.items.map((i: { user: { id: string } }) => i.user.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor !== null && pages < 50);
    return ids;
  }

  async function requestsTo(
    owner: Account,
  ): Promise<{ id: string; user: { id: string }; createdAt: string }[]> {
    const res = await call('GET', '/v1/me/follow-requests', owner);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().nextCursor, null);
    return res.json().items;
  }

  async function searchIds(who: Account, q: string): Promise<string[]> {
    const res = await call('GET', `/v1/users?q=${encodeURIComponent(q)}&limit=100`, who);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().items.map((u: { id: string }) => u.id);
  }

  describe('follows of public accounts', () => {
    it('a follow takes effect at once and moves both counts; again changes nothing', async () => {
      const a = await account();
      const b = await account();
      await expectCounts(a, 0, 0);
      await expectCounts(b, 0, 0);

      await expectFollow(a, b, 'following');
      await expectCounts(a, 0, 1, 'follower after following');
      await expectCounts(b, 1, 0, 'followee after following');
      assert.deepEqual(await relationship(a, b), { ...NONE, following: true });

      await expectFollow(a, b, 'following');
      await expectCounts(a, 0, 1, 'follower after following again');
      await expectCounts(b, 1, 0, 'followee after following again');
      assert.deepEqual(await listAll(observer, `/v1/users/${b.id}/followers`), [a.id]);
    });

    it('unfollow is a 204 that drops the counts, and a 204 again when there is nothing to undo', async () => {
      const a = await account();
      const b = await account();
      await expectFollow(a, b, 'following');
      await expectFollow(b, a, 'following');
      await expectCounts(a, 1, 1);

      await expectUnfollow(a, b);
      await expectCounts(a, 1, 0, 'after unfollowing');
      await expectCounts(b, 0, 1, 'after being unfollowed');
      assert.deepEqual(await relationship(a, b), { ...NONE, followedBy: true });

      await expectUnfollow(a, b);
      await expectCounts(a, 1, 0, 'after unfollowing again');
      await expectCounts(b, 0, 1, 'after being unfollowed again');
      assert.deepEqual(await listAll(observer, `/v1/users/${b.id}/followers`), []);
      assert.deepEqual(await listAll(observer, `/v1/users/${a.id}/followers`), [b.id]);
    });

    it('yourself is a 422, a missing, banned or deleted user a 404, a malformed id a 422', async () => {
      const a = await account();
      expectProblem(await follow(a, a.id), 422, 'self_relation');
      expectProblem(await unfollow(a, a.id), 422, 'self_relation');
      expectProblem(await follow(a, randomUUID()), 404, 'user_not_found');

      const banned = await account();
      await t.db.database.db
        .updateTable('users')
        .set({ status: 'banned' })
        .where('id', '=', banned.id)
        .execute();
      expectProblem(await follow(a, banned.id), 404, 'user_not_found');
      const gone = await account();
      const erased = await call('DELETE', '/v1/me', gone, { password: PASSWORD });
      assert.equal(erased.statusCode, 204, erased.body);
      expectProblem(await follow(a, gone.id), 404, 'user_not_found');

      for (const garbage of ['not-an-id', '12345', `${randomUUID()}x`]) {
        expectProblem(await follow(a, garbage), 422, 'validation_failed');
        expectProblem(await unfollow(a, garbage), 422, 'validation_failed');
      }
      await expectCounts(a, 0, 0, 'nothing above changed anything');
    });
  });

  describe('private accounts and follow requests', () => {
    it('a follow becomes a request the owner lists; accepting moves the counts, rejecting removes it', async () => {
      const owner = await account();
      await makePrivate(owner);
      const a = await account();
      const b = await account();

      await expectFollow(a, owner, 'requested');
      await expectFollow(a, owner, 'requested');
      await expectFollow(b, owner, 'requested');
      await expectCounts(owner, 0, 0, 'requests are not follows');
      await expectCounts(a, 0, 0, 'a request is not a follow');
      assert.deepEqual(await relationship(a, owner), { ...NONE, requested: true });
      assert.deepEqual(await relationship(owner, a), { ...NONE, requestedBy: true });

      const requests = await requestsTo(owner);
      assert.deepEqual(
        requests.map((r) => r.user.id),
        [b.id, a.id],
        'newest first',
      );
      for (const r of requests) {
        assert.deepEqual(Object.keys(r).sort(), ['createdAt', 'id', 'user']);
        assert.match(r.id, /^[0-9a-f-]{36}$/);
        assert.match(r.createdAt, ISO);
        assert.equal('email' in r.user, false, 'a public view');
      }
      assert.deepEqual(await requestsTo(a), [], 'requests are listed to their owner only');
      const [fromB, fromA] = requests as [(typeof requests)[0], (typeof requests)[0]];

      const accepted = await call('POST', `/v1/me/follow-requests/${fromA.id}/accept`, owner);
      assert.equal(accepted.statusCode, 204, accepted.body);
      await expectCounts(owner, 1, 0, 'after accepting');
      await expectCounts(a, 0, 1, 'after being accepted');
      assert.deepEqual(await relationship(a, owner), { ...NONE, following: true });
      assert.deepEqual(await relationship(owner, a), { ...NONE, followedBy: true });
      await expectFollow(a, owner, 'following');
      assert.deepEqual(
        (await requestsTo(owner)).map((r) => r.user.id),
        [b.id],
      );
      expectProblem(
        await call('POST', `/v1/me/follow-requests/${fromA.id}/accept`, owner),
        404,
        'request_not_found',
      );
      expectProblem(
        await call('POST', `/v1/me/follow-requests/${fromA.id}/reject`, owner),
        404,
        'request_not_found',
      );
      await expectCounts(owner, 1, 0, 'answering an answered request changes nothing');

      const rejected = await call('POST', `/v1/me/follow-requests/${fromB.id}/reject`, owner);
      assert.equal(rejected.statusCode, 204, rejected.body);
      assert.deepEqual(await requestsTo(owner), []);
      assert.deepEqual(await relationship(b, owner), NONE);
      await expectCounts(owner, 1, 0, 'after rejecting');
      await expectCounts(b, 0, 0, 'after being rejected');
      // A rejected user may ask again.
      await expectFollow(b, owner, 'requested');
      assert.deepEqual(
        (await requestsTo(owner)).map((r) => r.user.id),
        [b.id],
      );
    });

    it('only the owner answers a request; unknown ids are 404, malformed ones 422', async () => {
      const owner = await account();
      await makePrivate(owner);
      const asker = await account();
      const stranger = await account();
      await expectFollow(asker, owner, 'requested');
      const [request] = await requestsTo(owner);
      assert.ok(request);

      for (const who of [stranger, asker]) {
        for (const answer of ['accept', 'reject']) {
          expectProblem(
            await call('POST', `/v1/me/follow-requests/${request.id}/${answer}`, who),
            404,
            'request_not_found',
          );
        }
      }
      assert.deepEqual(
        (await requestsTo(owner)).map((r) => r.id),
        [request.id],
        'still pending',
      );
      await expectCounts(owner, 0, 0);
      await expectCounts(asker, 0, 0);

      for (const answer of ['accept', 'reject']) {
        expectProblem(
          await call('POST', `/v1/me/follow-requests/${randomUUID()}/${answer}`, owner),
          404,
          'request_not_found',
        );
        expectProblem(
          await call('POST', `/v1/me/follow-requests/not-an-id/${answer}`, owner),
          422,
          'validation_failed',
        );
      }
      // The follow edge's user id is not the request id.
      expectProblem(
        await call('POST', `/v1/me/follow-requests/${asker.id}/accept`, owner),
        404,
        'request_not_found',
      );

      const accepted = await call('POST', `/v1/me/follow-requests/${request.id}/accept`, owner);
      assert.equal(accepted.statusCode, 204, accepted.body);
      await expectCounts(owner, 1, 0);
      await expectCounts(asker, 0, 1);
    });

    it('unfollowing withdraws a pending request', async () => {
      const owner = await account();
      await makePrivate(owner);
      const a = await account();
      const b = await account();
      await expectFollow(a, owner, 'requested');
      await expectFollow(b, owner, 'requested');
      const withdrawn = (await requestsTo(owner)).find((r) => r.user.id === a.id);
      assert.ok(withdrawn);

      await expectUnfollow(a, owner);
      assert.deepEqual(
        (await requestsTo(owner)).map((r) => r.user.id),
        [b.id],
      );
      assert.deepEqual(await relationship(a, owner), NONE);
      await expectCounts(owner, 0, 0);
      await expectCounts(a, 0, 0);
      expectProblem(
        await call('POST', `/v1/me/follow-requests/${withdrawn.id}/accept`, owner),
        404,
        'request_not_found',
      );
      await expectCounts(owner, 0, 0, 'a withdrawn request cannot be accepted');
    });

    it('turning the account public accepts every pending request', async () => {
      const owner = await account();
      await makePrivate(owner);
      const askers = [await account(), await account(), await account()];
      for (const a of askers) await expectFollow(a, owner, 'requested');
      await expectCounts(owner, 0, 0);

      await makePrivate(owner, false);
      assert.deepEqual(await requestsTo(owner), []);
      await expectCounts(owner, 3, 0, 'every request accepted');
      for (const a of askers) {
        await expectCounts(a, 0, 1);
        assert.deepEqual(await relationship(a, owner), { ...NONE, following: true });
      }
      assert.deepEqual(
        (await listAll(observer, `/v1/users/${owner.id}/followers`)).sort(),
        askers.map((a) => a.id).sort(),
      );
      const late = await account();
      await expectFollow(late, owner, 'following');
      await expectCounts(owner, 4, 0);

      // Private again: existing followers stay, new ones ask.
      await makePrivate(owner);
      await expectCounts(owner, 4, 0);
      await expectFollow(await account(), owner, 'requested');
      await expectCounts(owner, 4, 0);
    });
  });

  describe('followers and following lists', () => {
    it('items are {user, since}, newest first; keyset pages cover the set exactly once', async () => {
      const owner = await account();
      const followers: Account[] = [];
      for (let i = 0; i < 5; i++) {
        const f = await account();
        await expectFollow(f, owner, 'following');
        followers.push(f);
      }
      const newestFirst = followers.map((f) => f.id).reverse();

      const whole = await call('GET', `/v1/users/${owner.id}/followers`, observer);
      assert.equal(whole.statusCode, 200, whole.body);
      const items = whole.json().items as { user: { id: string; email?: string }; since: string }[];
      assert.deepEqual(
        items.map((i) => i.user.id),
        newestFirst,
      );
      assert.equal(whole.json().nextCursor, null);
      for (const item of items) {
        assert.deepEqual(Object.keys(item).sort(), ['since', 'user']);
        assert.match(item.since, ISO);
        assert.equal(item.user.email, undefined, 'a public view');
      }
      const times = items.map((i) => Date.parse(i.since));
      assert.deepEqual(
        times,
        [...times].sort((x, y) => y - x),
        'since never increases',
      );

      // limit=2 over five: three pages, each user exactly once, in the same order.
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const res = await call(
          'GET',
          `/v1/users/${owner.id}/followers?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          observer,
        );
        assert.equal(res.statusCode, 200, res.body);
        pages.push(res.json().items.map((i: { user: { id: string } }) => i.user.id));
        cursor = res.json().nextCursor;
      } while (cursor !== null && pages.length < 10);
      assert.deepEqual(
        pages.map((p) => p.length),
        [2, 2, 1],
      );
      assert.deepEqual(pages.flat(), newestFirst);

      // The same user's following list.
      const followee1 = await account();
      const followee2 = await account();
      await expectFollow(owner, followee1, 'following');
      await expectFollow(owner, followee2, 'following');
      assert.deepEqual(await listAll(observer, `/v1/users/${owner.id}/following`, 1), [
        followee2.id,
        followee1.id,
      ]);
      assert.deepEqual(await listAll(owner, `/v1/users/${owner.id}/following`), [followee2.id, followee1.id]);
      assert.deepEqual(await listAll(followers[0]!, `/v1/users/${followers[0]!.id}/following`), [owner.id]);
    });

    it('a cursor not issued here is a 400 invalid_cursor; limits outside 1..100 are a 422', async () => {
      const owner = await account();
      await expectFollow(await account(), owner, 'following');
      const encode = (value: unknown) =>
        encodeURIComponent(Buffer.from(JSON.stringify(value)).toString('base64url'));
      for (const kind of ['followers', 'following']) {
        for (const garbage of ['%21%21garbage', 'eyJrIjo1fQ', encode({}), encode({ k: 'no-separator' })]) {
          expectProblem(
            await call('GET', `/v1/users/${owner.id}/${kind}?cursor=${garbage}`, observer),
            400,
            'invalid_cursor',
          );
        }
        for (const limit of ['0', '101', '-1', 'abc']) {
          expectProblem(
            await call('GET', `/v1/users/${owner.id}/${kind}?limit=${limit}`, observer),
            422,
            'validation_failed',
          );
        }
      }
    });

    it('a well-formed cursor whose key is not a time and an id is a 400, not a server error', async () => {
      // The key inside a list cursor is "<ISO time>|<id>"; anything else was not issued here.
      const owner = await account();
      const other = await account();
      await expectFollow(other, owner, 'following');
      await expectFollow(owner, other, 'following');
      const forged = encodeURIComponent(
        Buffer.from(JSON.stringify({ k: 'not-a-time|not-an-id' })).toString('base64url'),
      );
      const paths = [
        '/v1/users/{id}/followers',
        '/v1/users/{id}/following',
        '/v1/me/follow-requests',
        '/v1/me/blocks',
        '/v1/me/bookmarks',
      ];
      const answers: Record<string, string> = {};
      for (const path of paths) {
        const url = `${path.replace('{id}', owner.id)}?cursor=${forged}`;
        const res = await call('GET', url, owner);
        answers[path] = `${res.statusCode} ${res.statusCode === 200 ? 'with items' : res.json().code}`;
      }
      assert.deepEqual(answers, Object.fromEntries(paths.map((p) => [p, '400 invalid_cursor'])));
    });

    /** Each list answers a forged cursor whose key carries this time; path -> "status code". */
    async function answersToForgedTime(at: string): Promise<Record<string, string>> {
      const owner = await account();
      const other = await account();
      await expectFollow(other, owner, 'following');
      await expectFollow(owner, other, 'following');
      const forged = encodeURIComponent(
        Buffer.from(JSON.stringify({ k: `${at}|${randomUUID()}` })).toString('base64url'),
      );
      const answers: Record<string, string> = {};
      for (const path of LIST_PATHS) {
        const res = await call('GET', `${path.replace('{id}', owner.id)}?cursor=${forged}`, owner);
        answers[path] = `${res.statusCode} ${res.statusCode === 200 ? 'a page' : res.json().code}`;
      }
      return answers;
    }
    const LIST_PATHS = [
      '/v1/users/{id}/followers',
      '/v1/users/{id}/following',
      '/v1/me/follow-requests',
      '/v1/me/blocks',
      '/v1/me/bookmarks',
    ];
    const allInvalid = Object.fromEntries(LIST_PATHS.map((p) => [p, '400 invalid_cursor']));

    it('a cursor time that is no date (February 31st, February 29th 2023) is a 400, not a 500', async () => {
      // The ISO shape is right; only the calendar is not. PostgreSQL refused these as timestamps.
      for (const at of ['2024-02-31T00:00:00.000Z', '2023-02-29T00:00:00.000Z', '2024-04-31T12:00:00.000Z']) {
        assert.deepEqual(await answersToForgedTime(at), allInvalid, at);
      }
    });

    it('a cursor time in year 0000 is a 400, not a 500', async () => {
      // JavaScript dates have a year 0 (it round-trips through toISOString); PostgreSQL has none.
      assert.deepEqual(await answersToForgedTime('0000-01-01T00:00:00.000Z'), allInvalid);
    });

    it("a private account's lists are for itself and its accepted followers", async () => {
      const owner = await account();
      const accepted = await account();
      const pending = await account();
      const stranger = await account();
      const followee = await account();
      await expectFollow(owner, followee, 'following');
      await makePrivate(owner);
      await expectFollow(accepted, owner, 'requested');
      await expectFollow(pending, owner, 'requested');
      const request = (await requestsTo(owner)).find((r) => r.user.id === accepted.id);
      assert.ok(request);
      assert.equal(
        (await call('POST', `/v1/me/follow-requests/${request.id}/accept`, owner)).statusCode,
        204,
      );

      for (const kind of ['followers', 'following'] as const) {
        const url = `/v1/users/${owner.id}/${kind}`;
        expectProblem(await call('GET', url, stranger), 403, 'private_account');
        expectProblem(await call('GET', url, pending), 403, 'private_account');
        const expected = kind === 'followers' ? [accepted.id] : [followee.id];
        assert.deepEqual(await listAll(owner, url), expected, `${kind} for the owner`);
        assert.deepEqual(await listAll(accepted, url), expected, `${kind} for an accepted follower`);
      }
      // A missing user has no lists.
      expectProblem(
        await call('GET', `/v1/users/${randomUUID()}/followers`, stranger),
        404,
        'user_not_found',
      );
      expectProblem(await call('GET', '/v1/users/not-an-id/following', stranger), 422, 'validation_failed');
    });

    it('DELETE /v1/me/followers/{userId} removes a follower or a pending request', async () => {
      const owner = await account();
      const a = await account();
      const b = await account();
      await expectFollow(a, owner, 'following');
      await expectFollow(b, owner, 'following');
      await expectFollow(owner, a, 'following');
      await expectCounts(owner, 2, 1);

      const removed = await call('DELETE', `/v1/me/followers/${a.id}`, owner);
      assert.equal(removed.statusCode, 204, removed.body);
      await expectCounts(owner, 1, 1, 'owner after removing a follower');
      await expectCounts(a, 1, 0, 'removed follower');
      assert.deepEqual(await listAll(observer, `/v1/users/${owner.id}/followers`), [b.id]);
      assert.deepEqual(await relationship(a, owner), { ...NONE, followedBy: true });
      assert.equal((await call('DELETE', `/v1/me/followers/${a.id}`, owner)).statusCode, 204, 'idempotent');
      await expectCounts(owner, 1, 1, 'removing again changes nothing');
      // Removing a follower is not unfollowing them.
      assert.deepEqual(await listAll(observer, `/v1/users/${a.id}/followers`), [owner.id]);

      await makePrivate(owner);
      const asker = await account();
      await expectFollow(asker, owner, 'requested');
      assert.equal((await call('DELETE', `/v1/me/followers/${asker.id}`, owner)).statusCode, 204);
      assert.deepEqual(await requestsTo(owner), []);
      await expectCounts(owner, 1, 1);

      expectProblem(await call('DELETE', `/v1/me/followers/${owner.id}`, owner), 422, 'self_relation');
      expectProblem(await call('DELETE', '/v1/me/followers/not-an-id', owner), 422, 'validation_failed');
    });
  });

  describe('blocks', () => {
    it('a block removes follows and requests both ways; neither can follow the other', async () => {
      const a = await account();
      const b = await account();
      await expectFollow(a, b, 'following');
      await expectFollow(b, a, 'following');
      await expectCounts(a, 1, 1);
      await expectCounts(b, 1, 1);

      const blocked = await block(a, b.id);
      assert.equal(blocked.statusCode, 204, blocked.body);
      await expectCounts(a, 0, 0, 'blocker');
      await expectCounts(b, 0, 0, 'blocked');
      assert.deepEqual(await relationship(a, b), { ...NONE, blocking: true });
      // Like the blocker's profile: a 404, never `blockedBy: true`.
      expectProblem(await call('GET', `/v1/users/${a.id}/relationship`, b), 404, 'user_not_found');

      expectProblem(await follow(b, a.id), 404, 'user_not_found');
      expectProblem(await follow(a, b.id), 403, 'blocked_by_you');
      await expectCounts(a, 0, 0);
      await expectCounts(b, 0, 0);
      assert.equal((await block(a, b.id)).statusCode, 204, 'blocking again is fine');

      const mine = await call('GET', '/v1/me/blocks', a);
      assert.equal(mine.statusCode, 200, mine.body);
      assert.equal(mine.json().nextCursor, null);
      assert.deepEqual(
        mine.json().items.map((i: { user: { id: string } }) => i.user.id),
        [b.id],
      );
      assert.deepEqual(Object.keys(mine.json().items[0]).sort(), ['createdAt', 'user']);
      assert.match(mine.json().items[0].createdAt, ISO);
      assert.deepEqual(await listAll(b, '/v1/me/blocks'), [], "the blocked user's own list is theirs");

      expectProblem(await block(a, a.id), 422, 'self_relation');
      expectProblem(await block(a, randomUUID()), 404, 'user_not_found');
      expectProblem(await block(a, 'not-an-id'), 422, 'validation_failed');
      expectProblem(await unblock(a, a.id), 422, 'self_relation');
    });

    it('a block removes pending requests both ways', async () => {
      const p = await account();
      const q = await account();
      await makePrivate(p);
      await makePrivate(q);
      await expectFollow(p, q, 'requested');
      await expectFollow(q, p, 'requested');
      assert.equal((await requestsTo(p)).length, 1);
      assert.equal((await requestsTo(q)).length, 1);

      assert.equal((await block(q, p.id)).statusCode, 204);
      assert.deepEqual(await requestsTo(p), []);
      assert.deepEqual(await requestsTo(q), []);
      assert.deepEqual(await relationship(q, p), { ...NONE, blocking: true });
      await expectCounts(p, 0, 0);
      await expectCounts(q, 0, 0);
    });

    it("each drops out of the other's profile, search and lists; unblocking restores them", async () => {
      const word = `${run}blk`;
      const a = await account({ headline: `${word} alpha` });
      const b = await account({ headline: `${word} bravo` });
      const c = await account({ headline: `${word} charlie` });
      for (const [x, y] of [
        [a, c],
        [b, c],
        [c, a],
        [c, b],
        [a, b],
      ] as const) {
        await expectFollow(x, y, 'following');
      }
      assert.deepEqual(await searchIds(b, word), [a.id, b.id, c.id]);
      const bookmarked = await call('PUT', `/v1/me/bookmarks/${a.id}`, b);
      assert.equal(bookmarked.statusCode, 204);

      assert.equal((await block(a, b.id)).statusCode, 204);
      await expectCounts(a, 1, 1, 'a keeps c both ways');
      await expectCounts(b, 1, 1, 'b keeps c both ways');
      await expectCounts(c, 2, 2, 'third parties keep their edges');

      // Profiles: 404 either way; others still see both.
      expectProblem(await call('GET', `/v1/users/${a.id}`, b), 404, 'user_not_found');
      expectProblem(await call('GET', `/v1/users/${b.id}`, a), 404, 'user_not_found');
      assert.equal((await call('GET', `/v1/users/${a.id}`, c)).statusCode, 200);
      assert.equal((await call('GET', `/v1/users/${b.id}`, c)).statusCode, 200);

      // Search.
      assert.deepEqual(await searchIds(b, word), [b.id, c.id]);
      assert.deepEqual(await searchIds(a, word), [a.id, c.id]);
      assert.deepEqual(await searchIds(observer, word), [a.id, b.id, c.id]);

      // Third parties' lists, as each of them sees them.
      for (const kind of ['followers', 'following']) {
        const url = `/v1/users/${c.id}/${kind}`;
        assert.deepEqual(await listAll(b, url), [b.id], `${kind} for b`);
        assert.deepEqual(await listAll(a, url), [a.id], `${kind} for a`);
        assert.deepEqual((await listAll(observer, url)).sort(), [a.id, b.id].sort(), `${kind} for others`);
        // The other's own lists are a 404, like the profile.
        expectProblem(await call('GET', `/v1/users/${a.id}/${kind}`, b), 404, 'user_not_found');
        expectProblem(await call('GET', `/v1/users/${b.id}/${kind}`, a), 404, 'user_not_found');
      }

      // Bookmarks went with the block, and cannot be made while it stands.
      assert.deepEqual(await listAll(b, '/v1/me/bookmarks'), []);
      expectProblem(await call('PUT', `/v1/me/bookmarks/${a.id}`, b), 404, 'user_not_found');
      expectProblem(await call('PUT', `/v1/me/bookmarks/${b.id}`, a), 404, 'user_not_found');

      // Unblock: visible again, following possible again, the old follow not restored.
      const unblocked = await unblock(a, b.id);
      assert.equal(unblocked.statusCode, 204, unblocked.body);
      assert.equal((await unblock(a, b.id)).statusCode, 204, 'nothing to undo is a 204 too');
      assert.deepEqual(await listAll(a, '/v1/me/blocks'), []);
      assert.equal((await call('GET', `/v1/users/${a.id}`, b)).statusCode, 200);
      assert.equal((await call('GET', `/v1/users/${b.id}`, a)).statusCode, 200);
      assert.deepEqual(await searchIds(b, word), [a.id, b.id, c.id]);
      assert.deepEqual(await searchIds(a, word), [a.id, b.id, c.id]);
      assert.deepEqual((await listAll(b, `/v1/users/${c.id}/followers`)).sort(), [a.id, b.id].sort());
      assert.deepEqual(await relationship(a, b), NONE, 'the old follow does not come back');
      await expectCounts(a, 1, 1);
      await expectCounts(b, 1, 1);
      await expectFollow(b, a, 'following');
      await expectFollow(a, b, 'following');
      await expectCounts(a, 2, 2);
      await expectCounts(b, 2, 2);
    });
  });

  describe('relationship', () => {
    it('all seven booleans follow the scenario, both ways', async () => {
      const a = await account();
      const b = await account();
      await makePrivate(b);
      assert.deepEqual(await relationship(a, b), NONE);
      assert.deepEqual(await relationship(b, a), NONE);

      await expectFollow(a, b, 'requested');
      assert.deepEqual(await relationship(a, b), { ...NONE, requested: true });
      assert.deepEqual(await relationship(b, a), { ...NONE, requestedBy: true });

      const [request] = await requestsTo(b);
      assert.ok(request);
      assert.equal((await call('POST', `/v1/me/follow-requests/${request.id}/accept`, b)).statusCode, 204);
      assert.deepEqual(await relationship(a, b), { ...NONE, following: true });
      assert.deepEqual(await relationship(b, a), { ...NONE, followedBy: true });

      await expectFollow(b, a, 'following');
      assert.deepEqual(await relationship(a, b), { ...NONE, following: true, followedBy: true });
      assert.deepEqual(await relationship(b, a), { ...NONE, following: true, followedBy: true });

      assert.equal((await call('PUT', `/v1/me/bookmarks/${b.id}`, a)).statusCode, 204);
      assert.deepEqual(await relationship(a, b), {
        ...NONE,
        following: true,
        followedBy: true,
        bookmarked: true,
      });
      assert.deepEqual(await relationship(b, a), { ...NONE, following: true, followedBy: true });

      assert.equal((await block(a, b.id)).statusCode, 204);
      assert.deepEqual(await relationship(a, b), { ...NONE, blocking: true });
      expectProblem(await call('GET', `/v1/users/${a.id}/relationship`, b), 404, 'user_not_found');

      // Blocking back is a 404, as for an unknown id: a 204 would tell the block.
      expectProblem(await block(b, a.id), 404, 'user_not_found');
      expectProblem(await call('GET', `/v1/users/${a.id}/relationship`, b), 404, 'user_not_found');
      assert.deepEqual(await relationship(a, b), { ...NONE, blocking: true });

      // Nothing of the attempt stayed: once lifted, neither blocks the other.
      assert.equal((await unblock(a, b.id)).statusCode, 204);
      assert.deepEqual(await relationship(a, b), NONE);
      assert.deepEqual(await relationship(b, a), NONE);
    });

    it('a missing user is a 404, yourself a 422, a malformed id a 422', async () => {
      const a = await account();
      expectProblem(await call('GET', `/v1/users/${randomUUID()}/relationship`, a), 404, 'user_not_found');
      expectProblem(await call('GET', `/v1/users/${a.id}/relationship`, a), 422, 'self_relation');
      expectProblem(await call('GET', '/v1/users/nope/relationship', a), 422, 'validation_failed');
    });
  });

  describe('bookmarks', () => {
    it('PUT and DELETE are idempotent 204s; the list is {user, createdAt}, newest first, in keyset pages', async () => {
      const me = await account();
      const x = await account();
      const y = await account();
      const z = await account();
      for (const target of [x, y, z, x]) {
        const res = await call('PUT', `/v1/me/bookmarks/${target.id}`, me);
        assert.equal(res.statusCode, 204, res.body);
        assert.equal(res.body, '');
      }
      const whole = await call('GET', '/v1/me/bookmarks', me);
      assert.equal(whole.statusCode, 200, whole.body);
      const items = whole.json().items as { user: { id: string }; createdAt: string }[];
      assert.deepEqual(
        items.map((i) => i.user.id),
        [z.id, y.id, x.id],
        'bookmarking again keeps the first place',
      );
      for (const item of items) {
        assert.deepEqual(Object.keys(item).sort(), ['createdAt', 'user']);
        assert.match(item.createdAt, ISO);
      }
      assert.deepEqual(await listAll(me, '/v1/me/bookmarks', 2), [z.id, y.id, x.id]);
      const first = await call('GET', '/v1/me/bookmarks?limit=2', me);
      assert.equal(first.json().items.length, 2);
      assert.equal(typeof first.json().nextCursor, 'string');
      expectProblem(await call('GET', '/v1/me/bookmarks?cursor=%21%21', me), 400, 'invalid_cursor');
      expectProblem(await call('GET', '/v1/me/bookmarks?limit=0', me), 422, 'validation_failed');
      assert.deepEqual(await listAll(x, '/v1/me/bookmarks'), [], 'bookmarks are not mutual');

      assert.equal((await relationship(me, x)).bookmarked, true);
      assert.equal((await relationship(x, me)).bookmarked, false);
      for (let i = 0; i < 2; i++) {
        const res = await call('DELETE', `/v1/me/bookmarks/${x.id}`, me);
        assert.equal(res.statusCode, 204, res.body);
      }
      assert.equal((await relationship(me, x)).bookmarked, false);
      assert.deepEqual(await listAll(me, '/v1/me/bookmarks'), [z.id, y.id]);
      await expectCounts(x, 0, 0, 'a bookmark is not a follow');
    });

    it('yourself is a 422, a missing user a 404, a malformed id a 422', async () => {
      const me = await account();
      expectProblem(await call('PUT', `/v1/me/bookmarks/${me.id}`, me), 422, 'self_relation');
      expectProblem(await call('PUT', `/v1/me/bookmarks/${randomUUID()}`, me), 404, 'user_not_found');
      expectProblem(await call('PUT', '/v1/me/bookmarks/xyz', me), 422, 'validation_failed');
      expectProblem(await call('DELETE', '/v1/me/bookmarks/xyz', me), 422, 'validation_failed');
      assert.deepEqual(await listAll(me, '/v1/me/bookmarks'), []);
    });
  });

  it("deleting an account removes its edges and fixes the other side's counts", async () => {
    const leaving = await account();
    const a = await account();
    const b = await account();
    const privateOne = await account();
    await makePrivate(privateOne);
    const blocked = await account();
    const fan = await account();

    await expectFollow(a, leaving, 'following');
    await expectFollow(leaving, a, 'following');
    await expectFollow(leaving, b, 'following');
    await expectFollow(b, a, 'following');
    await expectFollow(leaving, privateOne, 'requested');
    assert.equal((await block(leaving, blocked.id)).statusCode, 204);
    assert.equal((await call('PUT', `/v1/me/bookmarks/${a.id}`, leaving)).statusCode, 204);
    assert.equal((await call('PUT', `/v1/me/bookmarks/${leaving.id}`, fan)).statusCode, 204);
    await expectCounts(leaving, 1, 2);
    await expectCounts(a, 2, 1);
    await expectCounts(b, 1, 1);

    const erased = await call('DELETE', '/v1/me', leaving, { password: PASSWORD });
    assert.equal(erased.statusCode, 204, erased.body);

    await expectCounts(a, 1, 0, 'a: only b follows, and a follows no one');
    await expectCounts(b, 0, 1, 'b: follows a only');
    assert.deepEqual(await listAll(observer, `/v1/users/${a.id}/followers`), [b.id]);
    assert.deepEqual(await listAll(observer, `/v1/users/${a.id}/following`), []);
    assert.deepEqual(await listAll(observer, `/v1/users/${b.id}/followers`), []);
    assert.deepEqual(await requestsTo(privateOne), []);
    assert.deepEqual(await listAll(fan, '/v1/me/bookmarks'), []);
    expectProblem(await call('GET', `/v1/users/${leaving.id}/relationship`, a), 404, 'user_not_found');
    expectProblem(await follow(blocked, leaving.id), 404, 'user_not_found');

    const { db } = t.db.database;
    const left = await Promise.all([
      db
        .selectFrom('follows')
        .select('id')
        .where((eb) => eb.or([eb('follower_id', '=', leaving.id), eb('followee_id', '=', leaving.id)]))
        .execute(),
      db
        .selectFrom('blocks')
        .select('id')
        .where((eb) => eb.or([eb('blocker_id', '=', leaving.id), eb('blocked_id', '=', leaving.id)]))
        .execute(),
      db
        .selectFrom('bookmarks')
        .select('id')
        .where((eb) => eb.or([eb('user_id', '=', leaving.id), eb('target_id', '=', leaving.id)]))
        .execute(),
    ]);
    assert.deepEqual(
      left.map((rows) => rows.length),
      [0, 0, 0],
      'no follow, block or bookmark of the erased account is left',
    );
  });
});

// With verification required (the default), an account nobody has proved yet
// is nobody's: it is not in the directory, its profile is a 404, and it cannot
// be followed or bookmarked, until its address is verified.
describe(`unverified accounts are not listed (${testDialect})`, () => {
  let flow: Flow;
  before(async () => {
    flow = await startFlow();
  });
  after(() => flow.close());

  it('search, profile, follow and bookmark treat an unverified sign-up as missing until it verifies', async () => {
    const viewer = await flow.verifiedAccount();
    const { accessToken: token } = await flow.login(viewer.email, viewer.password);
    // A surname unique to this run, so only this sign-up can match.
    const surname = `Unproven${randomUUID().replaceAll('-', '').slice(0, 10)}`;
    const email = freshEmail('unproven');
    const { reply, mail } = await flow.signUp(email, freshPassword(), {
      username: freshUsername(),
      firstName: 'Eve',
      lastName: surname,
    });
    const id = reply.body.user.id as string;
    const searchIds = async () => {
      const res = await flow.call('GET', `/v1/users?q=${encodeURIComponent(`eve ${surname}`)}`, { token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.items.map((u: { id: string }) => u.id);
    };

    assert.deepEqual(await searchIds(), [], 'not in the directory');
    assertProblem(await flow.call('GET', `/v1/users/${id}`, { token }), 404, 'user_not_found');
    assertProblem(await flow.call('POST', `/v1/users/${id}/follow`, { token }), 404, 'user_not_found');
    assertProblem(await flow.call('PUT', `/v1/me/bookmarks/${id}`, { token }), 404, 'user_not_found');
    const edges = await flow.t.db.database.db
      .selectFrom('follows')
      .select('id')
      .where('followee_id', '=', id)
      .execute();
    assert.deepEqual(edges, [], 'no edge was made');

    const verified = await flow.call('POST', '/v1/accounts/verify-email', {
      body: { email, code: codeOf(mail) },
    });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));

    assert.deepEqual(await searchIds(), [id]);
    const profile = await flow.call('GET', `/v1/users/${id}`, { token });
    assert.equal(profile.status, 200, JSON.stringify(profile.body));
    assert.equal(profile.body.name.last, surname);
    const followed = await flow.call('POST', `/v1/users/${id}/follow`, { token });
    assert.equal(followed.status, 200, JSON.stringify(followed.body));
    assert.deepEqual(followed.body, { status: 'following' });
    const bookmarked = await flow.call('PUT', `/v1/me/bookmarks/${id}`, { token });
    assert.equal(bookmarked.status, 204, JSON.stringify(bookmarked.body));
    const following = await flow.call('GET', `/v1/users/${viewer.id}/following`, { token });
    assert.deepEqual(
      following.body.items.map((i: { user: { id: string } }) => i.user.id),
      [id],
    );
  });
});
