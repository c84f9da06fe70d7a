// Seed 002's promise, "a client written from the document works unchanged":
// Seed002Client (written only from the document) drives an app's journey
// against a real Roster listening on a port, on this process's dialect:
// accounts made with POST /user/create and activated with the mailed code,
// the login cookie traded for delegated tokens at /oauth/authorize and
// /oauth/token, then profile, social, search, picture, reset and logout.
// Each reply is checked against the document's sample: the same keys, the
// sample's types. Where Roster departs from the document on purpose (a
// password or address changed through PATCH /user/me), the test shows the
// documented refusal.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { freshEmail, session } from '../../helpers/factories.ts';
import { png } from '../../helpers/images.ts';
import { Seed002Client } from './seed-002-client.ts';
import {
  assertOk,
  assertRefused,
  codeOf,
  credentials,
  dataOf,
  fresh,
  linkTokenOf,
  type Person,
  type Seed002Server,
  SUBJECT,
  startSeed002Server,
} from './seed-002-harness.ts';
import {
  assertLikeSample,
  INVITE_CODE_SAMPLE,
  LOGIN_2FA_SAMPLE,
  SIGNED_IN_USER_SAMPLE,
  SOURCE_RECORD_SAMPLE,
  TARGET_RECORD_SAMPLE,
  USER_SAMPLE,
} from './seed-002-samples.ts';

describe(`seed 002 document client (${testDialect})`, () => {
  let server: Seed002Server;
  let p: Seed002Server['p'];
  let alice: Person;
  let bob: Person;
  before(async () => {
    server = await startSeed002Server();
    p = server.p;
    alice = await server.person('alice');
    bob = await server.person('bob');
  });
  after(() => server.close());
  const person = (label: string) => server.person(label);
  const takeMail = (to: string, subject: RegExp) => server.takeMail(to, subject);

  describe('account: create, verify-email, login', () => {
    it('login without 2FA answers the sample: 2faEnabled false, the user with every sample key and its type', async () => {
      const client = new Seed002Client(p.issuer);
      const data = dataOf(await client.login(credentials(alice)), ['2faEnabled', 'user']);
      assert.equal(data['2faEnabled'], false);
      assert.equal(data.user._id, alice.id);
      assert.deepEqual([data.user.username, data.user.email], [alice.username, alice.email]);
      assert.equal(data.user.verified, true, 'verified by the mailed code');
      assertLikeSample(data.user, SIGNED_IN_USER_SAMPLE, 'login.user', { allowExtra: true });
      assert.ok(!Number.isNaN(Date.parse(data.user.varifiedDate)), 'varifiedDate is a date');
      // The cookie session alone (no token yet) reads the profile.
      dataOf(await client.me(), ['user']);
    });

    it('login’s user has one key beyond the sample’s: GET /user/me’s spelling `verifiedDate`', async () => {
      // Roster answers both spellings (docs/compat/002.md), so a client written from either sample reads it.
      const data = dataOf(await new Seed002Client(p.issuer).login(credentials(alice)), [
        '2faEnabled',
        'user',
      ]);
      const extra = Object.keys(data.user).filter((key) => !(key in SIGNED_IN_USER_SAMPLE));
      assert.deepEqual(extra, ['verifiedDate']);
      const user = data.user as Record<string, unknown>;
      assert.equal(user.verifiedDate, user.varifiedDate);
    });

    it('create, verify-email with the code, then login with the password sent to create', async () => {
      const client = new Seed002Client(p.issuer);
      const who = fresh('olga');
      assertOk(await client.create({ ...who, firstName: 'Olga', lastName: 'Tester' }));
      assertOk(await client.verifyEmail({ code: linkTokenOf(await takeMail(who.email, SUBJECT.verify)) }));
      dataOf(await client.login(credentials(who)), ['2faEnabled', 'user']);
    });

    it('an account cannot log in before verify-email', async () => {
      const client = new Seed002Client(p.issuer);
      const who = fresh('carol');
      assertOk(await client.create({ ...who, firstName: 'Carol', lastName: 'Tester' }));
      await takeMail(who.email, SUBJECT.verify);
      assertRefused(await client.login(credentials(who)));
      assertRefused(await client.me());
    });

    it('verify-email with the mail’s 6-digit verification code as `code`, then login', async () => {
      const client = new Seed002Client(p.issuer);
      const who = fresh('carl');
      assertOk(await client.create({ ...who, firstName: 'Carl', lastName: 'Tester' }));
      assertOk(await client.verifyEmail({ code: codeOf(await takeMail(who.email, SUBJECT.verify)) }));
      dataOf(await client.login(credentials(who)), ['2faEnabled', 'user']);
    });

    it('login with 2FA answers the sample (sessionHash, short user); do-2fa with the mailed code answers the full user', async () => {
      const dave = await person('dave');
      // Turning 2FA on: the document's "Enable 2FA" gives no path or body, so
      // this is done the way the user's account settings page does it.
      const { accessToken } = await session(p.t, dave.email, dave.password);
      assert.equal((await request(p.t, 'POST', '/v1/me/mfa/email', { token: accessToken })).statusCode, 202);
      const setup = codeOf(await takeMail(dave.email, /security code$/));
      const on = await request(p.t, 'POST', '/v1/me/mfa/email/activate', {
        token: accessToken,
        body: { code: setup, currentPassword: dave.password },
      });
      assert.equal(on.statusCode, 200, on.body);

      const client = new Seed002Client(p.issuer);
      const pending = dataOf(await client.login(credentials(dave)), ['2faEnabled', 'sessionHash', 'user']);
      assertLikeSample(pending, LOGIN_2FA_SAMPLE, 'login(2fa)');
      assert.equal(pending['2faEnabled'], true);
      assertRefused(await client.me()); // not signed in before the second factor
      assert.ok(pending['2faEnabled']);
      const code = codeOf(await takeMail(dave.email, /sign-in code$/));
      const done = dataOf(
        await client.doTwoFactor({ target: pending.user._id, code, sessionHash: pending.sessionHash }),
        ['user'],
      );
      // Like login's user, it carries `verifiedDate` too (the todo test above).
      assertLikeSample(done.user, SIGNED_IN_USER_SAMPLE, 'do-2fa.user', { allowExtra: true });
      assert.equal(done.user._id, dave.id);
      dataOf(await client.me(), ['user']); // do-2fa made the cookie session
    });
  });

  describe('profile', () => {
    it('GET /user/me: `user` is an array of one user with the sample’s keys and types', async () => {
      const { user } = dataOf(await alice.client.me(), ['user']);
      assert.ok(Array.isArray(user) && user.length === 1, 'the sample’s array of one');
      const [me] = user;
      assertLikeSample(me, USER_SAMPLE, 'me.user[0]');
      assert.deepEqual(
        [me!._id, me!.username, me!.email, me!.firstName, me!.lastName, me!.verified, me!.role],
        [alice.id, alice.username, alice.email, 'alice', 'Tester', true, 'user'],
      );
      assert.ok(!Number.isNaN(Date.parse(me!.verifiedDate)), 'verifiedDate is a date');
    });

    it('PATCH /user/me with names and username answers {"ok": 1}; GET /user/me shows them', async () => {
      const erin = await person('erin');
      const username = `erin_renamed_${randomBytes(3).toString('hex')}`;
      assertOk(await erin.client.updateMe({ firstName: 'Erin', lastName: 'Renamed', username }));
      const [me] = dataOf(await erin.client.me(), ['user']).user;
      assert.deepEqual([me!.firstName, me!.lastName, me!.username], ['Erin', 'Renamed', username]);
    });

    it('PATCH /user/me with a phone (phoneCountryCode and phone) answers {"ok": 1}', async () => {
      const frank = await person('frank');
      assertOk(await frank.client.updateMe({ phoneCountryCode: '+1', phone: '4155552671' }));
      const [me] = dataOf(await frank.client.me(), ['user']).user;
      assert.match(String(me!.phone), /4155552671$/);
    });

    it('PATCH /user/me with the sample’s `role` (unchanged, "user") answers {"ok": 1}', async () => {
      const gina = await person('gina');
      assertOk(await gina.client.updateMe({ role: 'user' }));
    });

    // Roster's documented exception (docs/compat/002.md, "The user's own
    // profile"): a password or address changes by its own proven flow, so
    // PATCH /user/me takes them only as they are. A client changing either
    // here gets a readable refusal, and the old one still works.
    it('PATCH /user/me with a new `password` is refused in the surface’s shape; the old one logs in', async () => {
      const gus = await person('gus');
      const password = `gus-N3w-Passw0rd-${randomBytes(3).toString('hex')}`;
      const refusal = await gus.client.updateMe({ password });
      assertRefused(refusal);
      assert.equal(refusal.status, 403);
      assertOk(await gus.client.updateMe({ password: gus.password, firstName: 'Gus' }));
      dataOf(await new Seed002Client(p.issuer).login(credentials(gus)), ['2faEnabled', 'user']);
    });

    it('PATCH /user/me with a new `email` is refused naming `email`; the account’s own passes', async () => {
      const gail = await person('gail');
      const refusal = await gail.client.updateMe({ email: freshEmail('gail-new') });
      assertRefused(refusal);
      assert.equal(refusal.status, 422);
      assertOk(await gail.client.updateMe({ email: gail.email }));
    });

    it('GET /user/:userId answers the other user in the sample’s shape', async () => {
      const { user } = dataOf(await alice.client.user(bob.id), ['user']);
      assert.ok(Array.isArray(user) && user.length === 1);
      assertLikeSample(user[0], USER_SAMPLE, 'user[0]');
      assert.deepEqual([user[0]!._id, user[0]!.username], [bob.id, bob.username]);
    });

    it('POST /user/private sets and clears isPrivate', async () => {
      const hank = await person('hank');
      assertOk(await hank.client.setPrivate({ state: true }));
      assert.equal(dataOf(await hank.client.me(), ['user']).user[0]!.isPrivate, true);
      assertOk(await hank.client.setPrivate({ state: false }));
      assert.equal(dataOf(await hank.client.me(), ['user']).user[0]!.isPrivate, false);
    });

    it('PATCH /user/profile-picture with a PNG as `profilePicture` (the table’s name) answers a signedUrl', async () => {
      const ivy = await person('ivy');
      const data = dataOf(await ivy.client.setProfilePicture(await png(256, 256)), ['signedUrl']);
      assert.equal(typeof data.signedUrl, 'string');
      assert.ok(new URL(data.signedUrl));
      const [me] = dataOf(await ivy.client.me(), ['user']).user;
      assert.equal(typeof me!.profilePictureUrl, 'string');
    });

    it('PATCH /user/profile-picture with a PNG as `profile-picture` (the sample’s name) answers a signedUrl', async () => {
      const jack = await person('jack');
      const res = await jack.client.setProfilePicture(await png(256, 256), 'profile-picture');
      assert.equal(typeof dataOf(res, ['signedUrl']).signedUrl, 'string');
    });

    it('GET /user/invite-codes answers inviteCodes in the sample’s shape', async () => {
      const { inviteCodes } = dataOf(await alice.client.inviteCodes(), ['inviteCodes']);
      assert.ok(Array.isArray(inviteCodes));
      for (const [i, code] of inviteCodes.entries())
        assertLikeSample(code, INVITE_CODE_SAMPLE, `inviteCodes[${i}]`, { optional: ['targetId'] });
    });
  });

  describe('social', () => {
    it('follow, then followers and following in the samples’ shapes, from both ends; unfollow', async () => {
      const kim = await person('kim');
      const leo = await person('leo');
      assertOk(await kim.client.follow({ target: leo.id }));
      const followers = dataOf(await leo.client.followers(), ['records']).records;
      assert.equal(followers.length, 1);
      assertLikeSample(followers[0], SOURCE_RECORD_SAMPLE, 'followers[0]');
      assert.deepEqual([followers[0]!.approved, followers[0]!.source._id], [true, kim.id]);
      const following = dataOf(await kim.client.following(), ['records']).records;
      assert.equal(following.length, 1);
      assertLikeSample(following[0], TARGET_RECORD_SAMPLE, 'following[0]');
      assert.equal(following[0]!.target._id, leo.id);
      const theirs = dataOf(await alice.client.userFollowers(leo.id), ['records']).records;
      assert.deepEqual(
        theirs.map((r) => r.source._id),
        [kim.id],
      );
      assertLikeSample(theirs[0], SOURCE_RECORD_SAMPLE, 'userFollowers[0]');
      const theirFollowing = dataOf(await alice.client.userFollowing(kim.id), ['records']).records;
      assert.deepEqual(
        theirFollowing.map((r) => r.target._id),
        [leo.id],
      );
      assertLikeSample(theirFollowing[0], TARGET_RECORD_SAMPLE, 'userFollowing[0]');
      const [me] = dataOf(await leo.client.me(), ['user']).user;
      assert.equal(me!.followerCount, 1);
      assertOk(await kim.client.unfollow({ target: leo.id }));
      assert.deepEqual(dataOf(await leo.client.followers(), ['records']).records, []);
    });

    it('followers page by limit and offset = the _id of the last record of the previous page', async () => {
      const star = await person('star');
      const fans = [
        await person('fan'),
        await person('fan'),
        await person('fan'),
        await person('fan'),
        await person('fan'),
      ];
      for (const fan of fans) assertOk(await fan.client.follow({ target: star.id }));
      const seen: string[] = [];
      let offset: string | undefined;
      for (let page = 0; page < 5; page++) {
        const { records } = dataOf(await star.client.followers({ limit: 2, ...(offset ? { offset } : {}) }), [
          'records',
        ]);
        assert.ok(records.length <= 2, 'limit is the page size');
        if (records.length === 0) break;
        seen.push(...records.map((r) => r.source._id));
        offset = records.at(-1)!._id;
      }
      assert.deepEqual([...seen].sort(), fans.map((f) => f.id).sort(), 'every follower once, across pages');
      // The same paging on another user's list.
      const firstPage = dataOf(await alice.client.userFollowers(star.id, { limit: 3 }), ['records']).records;
      assert.equal(firstPage.length, 3);
      const rest = dataOf(
        await alice.client.userFollowers(star.id, { limit: 3, offset: firstPage.at(-1)!._id }),
        ['records'],
      ).records;
      assert.equal(rest.length, 2);
      assert.deepEqual([...firstPage, ...rest].map((r) => r.source._id).sort(), fans.map((f) => f.id).sort());
    });

    it('a private account: follow makes a request; follow-requests lists it; accept approves it', async () => {
      const mia = await person('mia');
      const ned = await person('ned');
      assertOk(await mia.client.setPrivate({ state: true }));
      assertOk(await ned.client.follow({ target: mia.id }));
      const requests = dataOf(await mia.client.followRequests(), ['records']).records;
      assert.equal(requests.length, 1);
      assertLikeSample(requests[0], SOURCE_RECORD_SAMPLE, 'followRequests[0]');
      assert.deepEqual([requests[0]!.source._id, requests[0]!.approved], [ned.id, false]);
      assertOk(await mia.client.acceptFollowRequest({ request: requests[0]!._id }));
      assert.deepEqual(dataOf(await mia.client.followRequests(), ['records']).records, []);
      const followers = dataOf(await mia.client.followers(), ['records']).records;
      assert.deepEqual(
        followers.map((r) => [r._id, r.source._id, r.approved]),
        [[requests[0]!._id, ned.id, true]],
      );
    });

    it('DELETE /user/follow-entry removes a follower by the entry’s _id', async () => {
      const ola = await person('ola');
      const pat = await person('pat');
      assertOk(await pat.client.follow({ target: ola.id }));
      const [entry] = dataOf(await ola.client.followers(), ['records']).records;
      assertOk(await ola.client.deleteFollowEntry({ entry: entry!._id }));
      assert.deepEqual(dataOf(await ola.client.followers(), ['records']).records, []);
      assert.deepEqual(dataOf(await pat.client.following(), ['records']).records, []);
    });

    it('block and unblock answer {"ok": 1}', async () => {
      const quin = await person('quin');
      assertOk(await alice.client.block({ target: quin.id }));
      assertOk(await alice.client.unblock({ target: quin.id }));
      dataOf(await quin.client.user(alice.id), ['user']);
    });

    it('POST /user/search finds a user by name; results in the sample’s shape', async () => {
      const rosa = await person('rosalind');
      const { results } = dataOf(await alice.client.search({ query: rosa.username }), ['results']);
      assert.ok(Array.isArray(results));
      const hit = results.find((r) => r.source?._id === rosa.id);
      assert.ok(hit, `rosa among ${JSON.stringify(results).slice(0, 300)}`);
      for (const [i, r] of results.entries()) assertLikeSample(r, SOURCE_RECORD_SAMPLE, `results[${i}]`);
    });
  });

  describe('password reset and logout', () => {
    it('GET /user/code mails a code; POST /user/reset-password with the mail’s link token sets the new password', async () => {
      const sam = await person('sam');
      const client = new Seed002Client(p.issuer);
      assertOk(await client.requestResetCode(sam.email));
      const code = linkTokenOf(await takeMail(sam.email, SUBJECT.reset));
      const password = `sam-R3set-Passw0rd-${randomBytes(3).toString('hex')}`;
      assertOk(await client.resetPassword({ code, password }));
      assertRefused(await client.login(credentials(sam)));
      sam.password = password;
      dataOf(await client.login(credentials(sam)), ['2faEnabled', 'user']);
    });

    it('POST /user/reset-password with the mail’s 6-digit reset code as `code`; the new password logs in', async () => {
      const sue = await person('sue');
      const client = new Seed002Client(p.issuer);
      assertOk(await client.requestResetCode(sue.email));
      const code = codeOf(await takeMail(sue.email, SUBJECT.reset));
      sue.password = `sue-R3set-Passw0rd-${randomBytes(3).toString('hex')}`;
      assertOk(await client.resetPassword({ code, password: sue.password }));
      dataOf(await client.login(credentials(sue)), ['2faEnabled', 'user']);
    });

    it('logout ends the cookie session', async () => {
      const tom = await person('tom');
      tom.client.token = undefined;
      dataOf(await tom.client.me(), ['user']);
      assertOk(await tom.client.logout());
      assertRefused(await tom.client.me());
    });

    it('logout while holding the delegated token too (a browser app sends both)', async () => {
      const uma = await person('uma');
      assertOk(await uma.client.logout());
      uma.client.token = undefined;
      assertRefused(await uma.client.me());
    });

    it('logout all ends every session and the access tokens', async () => {
      const vic = await person('vic');
      const other = new Seed002Client(p.issuer);
      dataOf(await other.login(credentials(vic)), ['2faEnabled', 'user']);
      const token = vic.client.token;
      vic.client.token = undefined;
      assertOk(await vic.client.logoutAll());
      assertRefused(await other.me());
      vic.client.token = token;
      vic.client.cookies.clear();
      assertRefused(await vic.client.me());
    });
  });
});
