// The social graph under hostile or impatient clients: bursts of the same
// follow, many followers at once, mutual follows racing each other, follows
// racing blocks and answers, ids that belong to someone else, and callers
// without a session.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type KyselyPlugin, type RootOperationNode, sql } from 'kysely';
import { newId } from '../../src/platform/ids.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, type Method, type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import {
  type SignedUpAccount as Account,
  account as newAccount,
  STRONG_PASSWORD,
} from '../helpers/factories.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

describe(`social graph under attack and load (${testDialect})`, () => {
  let t: TestApp;

  before(async () => {
    t = await buildTestApp({
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', ROSTER_RATE_LIMIT_IP_FACTOR: '0' },
    });
  });
  after(() => t.close());

  const account = (): Promise<Account> => newAccount(t, { label: 'social' });

  const accounts = (count: number) => Promise.all(Array.from({ length: count }, () => account()));

  const call = (method: Method, url: string, who: Account, body?: object): Promise<Reply> =>
    request(t, method, url, { token: who.token, body });

  const follow = (who: Account, target: Account) => call('POST', `/v1/users/${target.id}/follow`, who);
  const unfollow = (who: Account, target: Account) => call('DELETE', `/v1/users/${target.id}/follow`, who);

  function assertNoServerError(replies: Reply[], label: string): void {
    const failed = replies.filter((r) => r.statusCode >= 500);
    assert.deepEqual(
      failed.map((r) => `${r.statusCode} ${r.body}`),
      [],
      `${label}: no reply may be a server error`,
    );
  }

  async function setPrivate(who: Account, isPrivate: boolean): Promise<void> {
    const res = await call('PATCH', '/v1/me', who, { isPrivate });
    assert.equal(res.statusCode, 200, res.body);
  }

  /** followerCount and followingCount from the user's own view. */
  async function counts(who: Account): Promise<[number, number]> {
    const res = await call('GET', '/v1/me', who);
    assert.equal(res.statusCode, 200, res.body);
    return [res.json().followerCount, res.json().followingCount];
  }

  /** The stored edges from one user to another. */
  async function edges(from: Account, to: Account): Promise<{ id: string; status: string }[]> {
    return t.db.database.db
      .selectFrom('follows')
      .select(['id', 'status'])
      .where('follower_id', '=', from.id)
      .where('followee_id', '=', to.id)
      .execute();
  }

  /** The stored counters equal the accepted edges, for every user given. */
  async function assertCountersMatchEdges(users: readonly Account[], label: string): Promise<void> {
    const { db } = t.db.database;
    for (const u of users) {
      const [followers, following] = await Promise.all([
        db
          .selectFrom('follows')
          .select('id')
          .where('followee_id', '=', u.id)
          .where('status', '=', 'following')
          .execute(),
        db
          .selectFrom('follows')
          .select('id')
          .where('follower_id', '=', u.id)
          .where('status', '=', 'following')
          .execute(),
      ]);
      assert.deepEqual(await counts(u), [followers.length, following.length], `${label}: ${u.id}`);
    }
  }

  async function requestIds(owner: Account): Promise<{ id: string; userId: string }[]> {
    const res = await call('GET', '/v1/me/follow-requests?limit=100', owner);
    assert.equal(res.statusCode, 200, res.body);
    return res
      .json()
      .items.map((i: { id: string; user: { id: string } }) => ({ id: i.id, userId: i.user.id }));
  }

  describe('concurrent follows', () => {
    it('20 simultaneous follows of one user by one follower make exactly one edge', async () => {
      const [follower, followee] = (await accounts(2)) as [Account, Account];
      const replies = await Promise.all(Array.from({ length: 20 }, () => follow(follower, followee)));
      assertNoServerError(replies, 'burst of one follow');
      assert.deepEqual(
        replies.map((r) => `${r.statusCode} ${r.body}`),
        replies.map(() => '200 {"status":"following"}'),
      );
      assert.equal((await edges(follower, followee)).length, 1);
      assert.deepEqual(await counts(followee), [1, 0]);
      assert.deepEqual(await counts(follower), [0, 1]);
    });

    it('20 simultaneous follows of a private account make exactly one request', async () => {
      const [follower, owner] = (await accounts(2)) as [Account, Account];
      await setPrivate(owner, true);
      const replies = await Promise.all(Array.from({ length: 20 }, () => follow(follower, owner)));
      assertNoServerError(replies, 'burst of one request');
      assert.deepEqual(
        replies.map((r) => `${r.statusCode} ${r.body}`),
        replies.map(() => '200 {"status":"requested"}'),
      );
      assert.deepEqual(
        (await edges(follower, owner)).map((e) => e.status),
        ['requested'],
      );
      assert.equal((await requestIds(owner)).length, 1);
      assert.deepEqual(await counts(owner), [0, 0]);
      assert.deepEqual(await counts(follower), [0, 0]);
    });

    it('20 different users following one user at once make a follower count of exactly 20', async () => {
      const star = await account();
      const fans = await accounts(20);
      const replies = await Promise.all(fans.map((f) => follow(f, star)));
      assertNoServerError(replies, 'many followers');
      assert.deepEqual(
        replies.map((r) => r.statusCode),
        fans.map(() => 200),
      );
      assert.deepEqual(await counts(star), [20, 0]);
      const list = await call('GET', `/v1/users/${star.id}/followers?limit=100`, star);
      assert.equal(list.statusCode, 200, list.body);
      assert.deepEqual(
        list
          .json()
          .items.map((i: { user: { id: string } }) => i.user.id)
          .sort(),
        fans.map((f) => f.id).sort(),
      );
      for (const f of fans) assert.deepEqual(await counts(f), [0, 1]);

      // And all of them leaving at once brings it back to zero.
      const left = await Promise.all(fans.map((f) => unfollow(f, star)));
      assertNoServerError(left, 'many unfollows');
      assert.deepEqual(await counts(star), [0, 0]);
    });

    it('two users following and unfollowing each other at the same moment, 10 rounds, keep right counts', async () => {
      const [a, b] = (await accounts(2)) as [Account, Account];
      for (let round = 0; round < 10; round++) {
        const followed = await Promise.all([follow(a, b), follow(b, a)]);
        assertNoServerError(followed, `round ${round}, follow`);
        assert.deepEqual(
          followed.map((r) => r.statusCode),
          [200, 200],
        );
        assert.deepEqual(await counts(a), [1, 1], `round ${round}: a after following`);
        assert.deepEqual(await counts(b), [1, 1], `round ${round}: b after following`);

        const unfollowed = await Promise.all([unfollow(a, b), unfollow(b, a), follow(a, b), follow(b, a)]);
        assertNoServerError(unfollowed, `round ${round}, unfollow and follow again`);
        await assertCountersMatchEdges([a, b], `round ${round}`);
        await Promise.all([unfollow(a, b), unfollow(b, a)]);
        assert.deepEqual(await counts(a), [0, 0], `round ${round}: a after unfollowing`);
        assert.deepEqual(await counts(b), [0, 0], `round ${round}: b after unfollowing`);
      }
    });

    it('an unfollow and the followee removing that follower at once take the count down once', async () => {
      const owner = await account();
      const fans = await accounts(10);
      await Promise.all(fans.map((f) => follow(f, owner)));
      assert.deepEqual(await counts(owner), [10, 0]);
      const replies = await Promise.all(
        fans.flatMap((f) => [unfollow(f, owner), call('DELETE', `/v1/me/followers/${f.id}`, owner)]),
      );
      assertNoServerError(replies, 'unfollow against remove');
      assert.deepEqual(
        replies.map((r) => r.statusCode),
        replies.map(() => 204),
      );
      assert.deepEqual(await counts(owner), [0, 0]);
      for (const f of fans) assert.deepEqual(await counts(f), [0, 0]);
    });
  });

  describe('follows racing blocks and answers', () => {
    it('a follow and a block at the same moment leave no follow edge while the block stands', async () => {
      const [a, b] = (await accounts(2)) as [Account, Account];
      for (let round = 0; round < 10; round++) {
        // The blocker alternates; the other side already follows the blocker and tries to follow again.
        const [blocker, other] = round % 2 === 0 ? [b, a] : [a, b];
        const before = await follow(other, blocker);
        assert.equal(before.statusCode, 200, before.body);
        const replies = await Promise.all([
          follow(other, blocker),
          call('POST', `/v1/users/${other.id}/block`, blocker),
          follow(blocker, other),
          unfollow(other, blocker),
          follow(other, blocker),
        ]);
        assertNoServerError(replies, `round ${round}`);
        assert.equal(replies[1]!.statusCode, 204, replies[1]!.body);
        for (const r of [replies[0]!, replies[2]!, replies[4]!]) {
          assert.ok([200, 403, 404].includes(r.statusCode), `${r.statusCode} ${r.body}`);
        }
        assert.deepEqual(await edges(other, blocker), [], `round ${round}: blocked user follows the blocker`);
        assert.deepEqual(await edges(blocker, other), [], `round ${round}: blocker follows the blocked user`);
        assert.deepEqual(await counts(a), [0, 0], `round ${round}: a`);
        assert.deepEqual(await counts(b), [0, 0], `round ${round}: b`);
        // While it stands, neither can follow.
        assertProblem(await follow(other, blocker), 404, 'user_not_found');
        assertProblem(await follow(blocker, other), 403, 'blocked_by_you');
        const lifted = await call('DELETE', `/v1/users/${other.id}/block`, blocker);
        assert.equal(lifted.statusCode, 204, lifted.body);
      }
    });

    it('accepting a request while it is withdrawn ends in one consistent state', async () => {
      const owner = await account();
      await setPrivate(owner, true);
      const askers = await accounts(10);
      for (const a of askers) assert.equal((await follow(a, owner)).statusCode, 200);
      const pending = await requestIds(owner);
      assert.equal(pending.length, 10);
      const byUser = new Map(pending.map((r) => [r.userId, r.id]));

      const replies = await Promise.all(
        askers.flatMap((a) => [
          call('POST', `/v1/me/follow-requests/${byUser.get(a.id)}/accept`, owner),
          unfollow(a, owner),
        ]),
      );
      assertNoServerError(replies, 'accept against withdraw');
      for (const r of replies) assert.ok([204, 404].includes(r.statusCode), `${r.statusCode} ${r.body}`);
      assert.deepEqual(await requestIds(owner), []);
      // Either order is fine; the counters must match whatever edges remain.
      await assertCountersMatchEdges([owner, ...askers], 'after the race');
    });

    it('follows arriving while a private account turns public leave no request pending', async () => {
      for (let round = 0; round < 12; round++) {
        const owner = await account();
        await setPrivate(owner, true);
        // Most rounds start with no request pending (the turn to public then has nothing to lock
        // first); every fourth starts with three.
        const early = await accounts(round % 4 === 0 ? 3 : 0);
        for (const a of early) assert.equal((await follow(a, owner)).statusCode, 200);
        const late = await accounts(10);
        const replies = await Promise.all([
          call('PATCH', '/v1/me', owner, { isPrivate: false }),
          ...late.map((a) => follow(a, owner)),
        ]);
        assertNoServerError(replies, `round ${round}`);
        assert.equal((await call('GET', '/v1/me', owner)).json().isPrivate, false);
        const pendingLeft = await requestIds(owner);
        assert.deepEqual(
          pendingLeft,
          [],
          `round ${round}: a public account must not keep pending requests (${pendingLeft.length} left)`,
        );
        await assertCountersMatchEdges([owner, ...early, ...late], `round ${round}`);
      }
    });
  });

  describe('account deletion racing the graph', () => {
    it('edges touched while an account is erased leave no edge to it and right counts on the other side', async () => {
      for (let round = 0; round < 5; round++) {
        const leaving = await account();
        const fans = await accounts(6);
        const stars = await accounts(6);
        for (const f of fans) assert.equal((await follow(f, leaving)).statusCode, 200);
        for (const s of stars) assert.equal((await follow(leaving, s)).statusCode, 200);
        // While the account is erased, each fan unfollows and follows again, and each star removes
        // it as a follower, one request after another.
        const churn = async (work: () => Promise<Reply>[]) => {
          const replies: Reply[] = [];
          for (let i = 0; i < 4; i++) for (const step of work()) replies.push(await step);
          return replies;
        };
        const [erased, ...churned] = await Promise.all([
          call('DELETE', '/v1/me', leaving, { password: STRONG_PASSWORD }),
          ...fans.map((f) => churn(() => [unfollow(f, leaving), follow(f, leaving)])),
          ...stars.map((s) => churn(() => [call('DELETE', `/v1/me/followers/${leaving.id}`, s)])),
        ]);
        assert.equal(erased!.statusCode, 204, erased!.body);
        assertNoServerError(churned.flat() as Reply[], `round ${round}`);

        const left = await t.db.database.db
          .selectFrom('follows')
          .select(['follower_id', 'status'])
          .where((eb) => eb.or([eb('follower_id', '=', leaving.id), eb('followee_id', '=', leaving.id)]))
          .execute();
        assert.deepEqual(left, [], `round ${round}: edges of the erased account remain`);
        const fanCounts = await Promise.all(fans.map(counts));
        const starCounts = await Promise.all(stars.map(counts));
        assert.deepEqual(
          { fans: fanCounts, stars: starCounts },
          { fans: fans.map(() => [0, 0]), stars: stars.map(() => [0, 0]) },
          `round ${round}: counts of the other side`,
        );
      }
    });
  });

  /** Every stored counter of these users equals its accepted edges (SQL, not the API). */
  async function assertStoredCountersMatchEdges(ids: readonly string[], label: string): Promise<void> {
    const { db } = t.db.database;
    const rows = await db
      .selectFrom('profiles as p')
      .select((eb) => [
        'p.user_id',
        'p.follower_count',
        'p.following_count',
        eb
          .selectFrom('follows as f')
          .select((f) => f.fn.countAll<number>().as('n'))
          .whereRef('f.followee_id', '=', 'p.user_id')
          .where('f.status', '=', 'following')
          .as('followers'),
        eb
          .selectFrom('follows as f')
          .select((f) => f.fn.countAll<number>().as('n'))
          .whereRef('f.follower_id', '=', 'p.user_id')
          .where('f.status', '=', 'following')
          .as('following'),
      ])
      .where('p.user_id', 'in', ids)
      .execute();
    const wrong = rows.filter(
      (r) =>
        Number(r.follower_count) !== Number(r.followers) || Number(r.following_count) !== Number(r.following),
    );
    assert.deepEqual(wrong, [], `${label}: counters that differ from their edges`);
  }

  describe('races that take locks in different orders', () => {
    it('two users swapping tags at the same moment, 30 rounds: no 5xx, usage counts right', async () => {
      const [one, two] = (await accounts(2)) as [Account, Account];
      const suffix = randomUUID().slice(0, 8);
      const [a, b] = [`swap-a-${suffix}`, `swap-b-${suffix}`];
      assert.equal((await call('PATCH', '/v1/me', one, { tags: [a] })).statusCode, 200);
      assert.equal((await call('PATCH', '/v1/me', two, { tags: [b] })).statusCode, 200);
      const usage = async () =>
        Object.fromEntries(
          (
            await t.db.database.db
              .selectFrom('tags')
              .select(['key', 'usage_count'])
              .where('key', 'in', [a, b])
              .execute()
          ).map((r) => [r.key, Number(r.usage_count)]),
        );
      for (let round = 0; round < 30; round++) {
        // Each takes the tag the other gives up.
        const [toOne, toTwo] = round % 2 === 0 ? [b, a] : [a, b];
        const replies = await Promise.all([
          call('PATCH', '/v1/me', one, { tags: [toOne] }),
          call('PATCH', '/v1/me', two, { tags: [toTwo] }),
        ]);
        assertNoServerError(replies, `round ${round}`);
        assert.deepEqual(
          replies.map((r) => r.statusCode),
          [200, 200],
          `round ${round}`,
        );
        assert.deepEqual(await usage(), { [a]: 1, [b]: 1 }, `round ${round}: usage counts`);
      }
      const tagsOf = async (who: Account) =>
        (await call('GET', '/v1/me', who)).json().tags.map((tag: { key: string }) => tag.key);
      assert.deepEqual([await tagsOf(one), await tagsOf(two)], [[a], [b]]);
    });

    it('erasing an account while others follow and unfollow it: no 5xx, no edge to it, counters right', async () => {
      for (let round = 0; round < 5; round++) {
        // Ids are time-ordered: half the others sort before the leaving account, half after,
        // so lock order by id and the order erasure meets them differ.
        const [earlyFans, earlyStars] = [await accounts(4), await accounts(2)];
        const leaving = await account();
        const [lateFans, lateStars] = [await accounts(4), await accounts(2)];
        const fans = [...earlyFans, ...lateFans];
        const stars = [...earlyStars, ...lateStars];
        for (const f of fans) assert.equal((await follow(f, leaving)).statusCode, 200);
        for (const s of stars) assert.equal((await follow(leaving, s)).statusCode, 200);

        // Each of the others keeps changing its edge to the leaving account, one request after
        // another, until the erasure has answered (and once more after), so the changes overlap
        // every step of it. Bounded: at most 100 rounds each (within the per-user hourly limit
        // of 400 graph changes).
        let erasing = true;
        const erasure = call('DELETE', '/v1/me', leaving, { password: STRONG_PASSWORD }).finally(() => {
          erasing = false;
        });
        const keepChanging = async (steps: () => Promise<Reply>[]) => {
          const replies: Reply[] = [];
          for (let i = 0; i < 100 && erasing; i++) for (const step of steps()) replies.push(await step);
          for (const step of steps()) replies.push(await step);
          return replies;
        };
        const [erased, changes] = await Promise.all([
          erasure,
          Promise.all([
            ...fans.map((f) => keepChanging(() => [unfollow(f, leaving), follow(f, leaving)])),
            ...stars.map((s) =>
              keepChanging(() => [call('DELETE', `/v1/me/followers/${leaving.id}`, s), follow(s, leaving)]),
            ),
          ]),
        ]);
        assert.equal(erased.statusCode, 204, erased.body);
        assertNoServerError(changes.flat(), `round ${round}`);
        for (const r of changes.flat()) {
          assert.ok([200, 204, 404].includes(r.statusCode), `round ${round}: ${r.statusCode} ${r.body}`);
        }

        const left = await t.db.database.db
          .selectFrom('follows')
          .select(['follower_id', 'followee_id', 'status'])
          .where((eb) => eb.or([eb('follower_id', '=', leaving.id), eb('followee_id', '=', leaving.id)]))
          .execute();
        assert.deepEqual(left, [], `round ${round}: edges of the erased account remain`);
        await assertStoredCountersMatchEdges(
          [...fans, ...stars].map((u) => u.id),
          `round ${round}`,
        );
        assertProblem(await follow(fans[0]!, leaving), 404, 'user_not_found');
      }
    });

    it('a bookmark and a block at the same moment, 30 rounds: while the block stands, no bookmark either way', async () => {
      const [a, b] = (await accounts(2)) as [Account, Account];
      const bookmarks = () =>
        t.db.database.db
          .selectFrom('bookmarks')
          .select(['user_id', 'target_id'])
          .where((eb) =>
            eb.or([
              eb.and([eb('user_id', '=', a.id), eb('target_id', '=', b.id)]),
              eb.and([eb('user_id', '=', b.id), eb('target_id', '=', a.id)]),
            ]),
          )
          .execute();
      for (let round = 0; round < 30; round++) {
        const [blocker, other] = round % 2 === 0 ? [b, a] : [a, b];
        const replies = await Promise.all([
          call('PUT', `/v1/me/bookmarks/${blocker.id}`, other),
          call('POST', `/v1/users/${other.id}/block`, blocker),
          call('PUT', `/v1/me/bookmarks/${other.id}`, blocker),
        ]);
        assertNoServerError(replies, `round ${round}`);
        assert.equal(replies[1]!.statusCode, 204, replies[1]!.body);
        for (const r of [replies[0]!, replies[2]!]) {
          assert.ok([204, 404].includes(r.statusCode), `round ${round}: ${r.statusCode} ${r.body}`);
        }
        const blocked = await t.db.database.db
          .selectFrom('blocks')
          .select('id')
          .where('blocker_id', '=', blocker.id)
          .where('blocked_id', '=', other.id)
          .execute();
        assert.equal(blocked.length, 1, `round ${round}: the block stands`);
        assert.deepEqual(await bookmarks(), [], `round ${round}: a bookmark outlived the block`);
        assert.equal((await call('DELETE', `/v1/users/${other.id}/block`, blocker)).statusCode, 204);
        await Promise.all([
          call('DELETE', `/v1/me/bookmarks/${other.id}`, blocker),
          call('DELETE', `/v1/me/bookmarks/${blocker.id}`, other),
        ]);
      }
    });
  });

  describe('many pending requests', () => {
    it('a private account with 1,200 pending requests turns public: all accepted, counts exact', async () => {
      const owner = await account();
      await setPrivate(owner, true);
      const { db } = t.db.database;
      const now = new Date().toISOString();
      const requesters = Array.from({ length: 1200 }, () => newId());
      // Made in the database directly: 1,200 sign-ups through the API would be the slow part.
      for (let i = 0; i < requesters.length; i += 200) {
        const ids = requesters.slice(i, i + 200);
        await db
          .insertInto('users')
          .values(
            ids.map((id) => ({
              id,
              email: `req-${id}@example.com`,
              email_verified_at: now,
              username: null,
              phone: null,
              phone_verified_at: null,
              first_name: null,
              last_name: null,
              role: 'user' as const,
              status: 'active' as const,
              created_at: now,
              updated_at: now,
              deleted_at: null,
            })),
          )
          .execute();
        await db
          .insertInto('profiles')
          .values(ids.map((id) => ({ user_id: id, completeness: 10, is_private: false, updated_at: now })))
          .execute();
        await db
          .insertInto('follows')
          .values(
            ids.map((id) => ({
              id: newId(),
              follower_id: id,
              followee_id: owner.id,
              status: 'requested' as const,
              created_at: now,
              since: null,
            })),
          )
          .execute();
      }
      const pending = await call('GET', '/v1/me/follow-requests?limit=100', owner);
      assert.equal(pending.statusCode, 200, pending.body);
      assert.equal(pending.json().items.length, 100);
      assert.notEqual(pending.json().nextCursor, null, 'the requests are listed');

      const opened = await call('PATCH', '/v1/me', owner, { isPrivate: false });
      assert.equal(opened.statusCode, 200, opened.body);
      assert.equal(opened.json().isPrivate, false);
      assert.deepEqual(await counts(owner), [1200, 0]);
      assert.deepEqual(await requestIds(owner), []);
      const byStatus = await db
        .selectFrom('follows')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('followee_id', '=', owner.id)
        .groupBy('status')
        .execute();
      assert.deepEqual(
        byStatus.map((r) => [r.status, Number(r.n)]),
        [['following', 1200]],
      );
      const countedOnce = await db
        .selectFrom('profiles')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', 'in', requesters)
        .where('following_count', '=', 1)
        .where('follower_count', '=', 0)
        .executeTakeFirstOrThrow();
      assert.equal(Number(countedOnce.n), 1200, "each requester's followingCount is 1");
      const followers = await call('GET', `/v1/users/${owner.id}/followers?limit=100`, owner);
      assert.equal(followers.statusCode, 200, followers.body);
      assert.equal(followers.json().items.length, 100);
    });
  });

  describe('ids that belong to someone else', () => {
    it("the URLs only ever reach the caller's own requests, followers, blocks and bookmarks", async () => {
      const [victim, fan, asker, attacker, blockedByVictim] = (await accounts(5)) as [
        Account,
        Account,
        Account,
        Account,
        Account,
      ];
      assert.equal((await follow(fan, victim)).statusCode, 200);
      assert.equal((await call('PUT', `/v1/me/bookmarks/${fan.id}`, victim)).statusCode, 204);
      assert.equal((await call('POST', `/v1/users/${blockedByVictim.id}/block`, victim)).statusCode, 204);
      await setPrivate(victim, true);
      assert.equal((await follow(asker, victim)).statusCode, 200);
      const [request] = await requestIds(victim);
      assert.ok(request);

      // Someone else's request id: the same 404 as an id that does not exist.
      for (const answer of ['accept', 'reject']) {
        assertProblem(
          await call('POST', `/v1/me/follow-requests/${request.id}/${answer}`, attacker),
          404,
          'request_not_found',
        );
      }
      assert.deepEqual(await requestIds(attacker), [], "nobody sees another's requests");
      // /v1/me/followers/{userId} is the caller's followers: the fan keeps following the victim.
      assert.equal((await call('DELETE', `/v1/me/followers/${fan.id}`, attacker)).statusCode, 204);
      assert.equal((await call('DELETE', `/v1/me/followers/${asker.id}`, attacker)).statusCode, 204);
      // Unfollow, unblock and unbookmark act on the caller's own edges only.
      assert.equal((await unfollow(attacker, victim)).statusCode, 204);
      assert.equal((await call('DELETE', `/v1/users/${blockedByVictim.id}/block`, attacker)).statusCode, 204);
      assert.equal((await call('DELETE', `/v1/me/bookmarks/${fan.id}`, attacker)).statusCode, 204);

      assert.deepEqual(
        (await edges(fan, victim)).map((e) => e.status),
        ['following'],
      );
      assert.deepEqual(
        (await requestIds(victim)).map((r) => r.id),
        [request.id],
      );
      assert.deepEqual(await counts(victim), [1, 0]);
      assert.deepEqual(await counts(fan), [0, 1]);
      const relationship = await call('GET', `/v1/users/${blockedByVictim.id}/relationship`, victim);
      assert.equal(relationship.json().blocking, true);
      const bookmarks = await call('GET', '/v1/me/bookmarks', victim);
      assert.deepEqual(
        bookmarks.json().items.map((i: { user: { id: string } }) => i.user.id),
        [fan.id],
      );
      // The victim's private lists stay closed to the attacker.
      assertProblem(await call('GET', `/v1/users/${victim.id}/followers`, attacker), 403, 'private_account');
    });
  });

  it('every social route is a 401 without a valid session', async () => {
    const someone = await account();
    const id = someone.id;
    const routes: [Method, string][] = [
      ['POST', `/v1/users/${id}/follow`],
      ['DELETE', `/v1/users/${id}/follow`],
      ['GET', `/v1/users/${id}/followers`],
      ['GET', `/v1/users/${id}/following`],
      ['GET', '/v1/me/follow-requests'],
      ['POST', `/v1/me/follow-requests/${randomUUID()}/accept`],
      ['POST', `/v1/me/follow-requests/${randomUUID()}/reject`],
      ['DELETE', `/v1/me/followers/${id}`],
      ['POST', `/v1/users/${id}/block`],
      ['DELETE', `/v1/users/${id}/block`],
      ['GET', '/v1/me/blocks'],
      ['GET', `/v1/users/${id}/relationship`],
      ['PUT', `/v1/me/bookmarks/${id}`],
      ['DELETE', `/v1/me/bookmarks/${id}`],
      ['GET', '/v1/me/bookmarks'],
    ];
    for (const [method, url] of routes) {
      for (const headers of [
        {},
        { authorization: 'Bearer not-a-token' },
        { authorization: someone.token },
      ] as Record<string, string>[]) {
        const res = await request(t, method, url, { headers });
        assert.equal(res.statusCode, 401, `${method} ${url} ${JSON.stringify(headers)}: ${res.body}`);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      }
    }
    // And a revoked session is no session.
    const out = await call('DELETE', '/v1/sessions/current', someone);
    assert.equal(out.statusCode, 204, out.body);
    for (const [method, url] of routes) {
      const res = await call(method, url, someone);
      assert.equal(res.statusCode, 401, `${method} ${url} after logout: ${res.body}`);
    }
  });
});

/**
 * A Kysely plugin that, once armed with a predicate, lets the next matching
 * query run and then holds its result until released: the transaction that
 * ran it stops at a chosen point, holding what it has locked so far. Once
 * opened it holds nothing more.
 */
function queryGate() {
  let match: ((node: RootOperationNode) => boolean) | null = null;
  let heldId: string | undefined;
  let opened = false;
  let onHeld = () => {};
  let release = () => {};
  const plugin: KyselyPlugin = {
    transformQuery({ node, queryId }) {
      if (!opened && match?.(node)) {
        match = null;
        heldId = queryId.queryId;
      }
      return node;
    },
    async transformResult({ result, queryId }) {
      if (!opened && heldId !== undefined && queryId.queryId === heldId) {
        heldId = undefined;
        const released = new Promise<void>((resolve) => {
          release = resolve;
        });
        onHeld();
        await released;
      }
      return result;
    },
  };
  return {
    plugin,
    /** Resolves when the next query that matches has run and is being held. */
    holdNext: (predicate: (node: RootOperationNode) => boolean) =>
      new Promise<void>((resolve) => {
        match = predicate;
        onHeld = resolve;
      }),
    /** Lets the held query's transaction go on. */
    release: () => release(),
    /** Releases what is held and holds nothing from now on. */
    open: () => {
      opened = true;
      match = null;
      release();
    },
  };
}

const selectsFrom = (node: RootOperationNode, table: string) =>
  node.kind === 'SelectQueryNode' && JSON.stringify(node.from).includes(`"name":"${table}"`);
const locksRows = (node: RootOperationNode) => JSON.stringify(node).includes('"ForUpdate"');

describe(`erasure meeting a follow made while it runs (${testDialect})`, {
  // The gate holds the erasure's connection inside its transaction; SQLite has
  // one connection (under a mutex), so nothing else could run meanwhile.
  skip: testDialect === 'sqlite' ? 'needs a connection pool (PostgreSQL)' : false,
}, () => {
  const gate = queryGate();
  let own: TestDatabase;
  let t: TestApp;
  before(async () => {
    own = await createTestDatabase();
    const database = { ...own.database, db: own.database.db.withPlugin(gate.plugin) };
    t = await buildTestApp({
      db: { ...own, database },
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' },
    });
  });
  after(async () => {
    gate.open();
    await t.close();
    await own.drop();
  });

  const account = (): Promise<Account> => newAccount(t, { label: 'erasure' });
  const call = (method: Method, url: string, who: Account, body?: object): Promise<Reply> =>
    request(t, method, url, { token: who.token, body });

  /** Whether some transaction waits for a row of this database's profiles table. */
  async function someoneWaitsForAProfile(): Promise<boolean> {
    const { rows } = await sql<{ n: number | string }>`
      select count(*) as n from pg_locks w join pg_locks h on h.pid = w.pid
      where not w.granted and h.locktype = 'tuple'
        and h.relation = ${`${own.schema}.profiles`}::regclass`.execute(own.database.db);
    return Number(rows[0]?.n) > 0;
  }

  /** Resolves once the request has been answered or waits for a profile's row lock (at most 10 s). */
  async function answeredOrWaiting(reply: Promise<unknown>): Promise<void> {
    let answered = false;
    reply.then(
      () => {
        answered = true;
      },
      () => {
        answered = true;
      },
    );
    const deadline = Date.now() + 10_000;
    while (!answered && Date.now() < deadline && !(await someoneWaitsForAProfile())) {
      // polls the lock table: each round trip is the pause
    }
  }

  it('a follow that commits between the erasure reading its edges and locking them: no 5xx, no edge left', {
    timeout: 30_000,
  }, async () => {
    // The fan's id sorts before the leaving account's: its own lock comes first in id order.
    const fan = await account();
    const leaving = await account();
    const other = await account();
    assert.equal((await call('POST', `/v1/users/${leaving.id}/follow`, other)).statusCode, 200);

    // 1. The erasure reads the leaving account's edges (the fan has none yet) and is held there.
    const edgesRead = gate.holdNext((node) => selectsFrom(node, 'follows'));
    const erasure = call('DELETE', '/v1/me', leaving, { password: STRONG_PASSWORD });
    let followed: Promise<Reply> | undefined;
    let unfollowed: Promise<Reply> | undefined;
    try {
      await Promise.race([edgesRead, erasure]);
      // 2. Meanwhile the fan follows. Nothing of the fan is locked, so this commits (unless the
      //    erasure already holds what a follow needs: then the race below cannot happen).
      followed = call('POST', `/v1/users/${leaving.id}/follow`, fan);
      await answeredOrWaiting(followed);
      // 3. The erasure locks the profiles of the edges it read and is held again.
      const locked = gate.holdNext((node) => selectsFrom(node, 'profiles') && locksRows(node));
      gate.release();
      await Promise.race([locked, erasure]);
      // 4. The fan unfollows: it locks its own profile, then waits for the leaving account's.
      unfollowed = call('DELETE', `/v1/users/${leaving.id}/follow`, fan);
      await answeredOrWaiting(unfollowed);
    } finally {
      // 5. The erasure goes on: it must not wait for the fan's profile while holding the leaving one's.
      gate.open();
    }
    const [erased, follow, unfollow] = await Promise.all([erasure, followed, unfollowed]);
    assert.equal(erased.statusCode, 204, `erasure: ${erased.body}`);
    assert.ok(
      follow && [200, 404].includes(follow.statusCode),
      `follow: ${follow?.statusCode} ${follow?.body}`,
    );
    assert.ok(
      unfollow && [204, 404].includes(unfollow.statusCode),
      `unfollow: ${unfollow?.statusCode} ${unfollow?.body}`,
    );
    const left = await own.database.db
      .selectFrom('follows')
      .select(['follower_id', 'followee_id'])
      .where((eb) => eb.or([eb('follower_id', '=', leaving.id), eb('followee_id', '=', leaving.id)]))
      .execute();
    assert.deepEqual(left, [], 'edges of the erased account remain');
    const me = await call('GET', '/v1/me', fan);
    assert.deepEqual([me.json().followerCount, me.json().followingCount], [0, 0]);
  });
});
