// Seed 002's profile routes from the document's samples: GET and PATCH
// /user/me, GET /user/:userId and POST /user/private, with the native bearer
// token and the cookie session. A refused request changes nothing; another
// user's object has every key with their contact data null; an unknown id, an
// unlisted account and a user hidden by a block are the same 404.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../../helpers/build-test-app.ts';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { account, makeAdmin, type SignedUpAccount, STRONG_PASSWORD } from '../../helpers/factories.ts';
import { anyRefusal, dataOf, ok, refused, sessionCookieOf, USER_KEYS, withCookie } from './seed-002.ts';

/** The PATCH sample with this account's own address and password, and a real number. */
const patchSample = (user: SignedUpAccount, username: string) => ({
  username,
  firstName: 'John',
  lastName: 'Doe',
  role: 'user',
  phoneCountryCode: '+1',
  phone: '4155552671',
  email: user.email,
  password: STRONG_PASSWORD,
});

describe(`seed 002 profile routes (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_COMPAT: '002', ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => t.close());

  let n = 0;
  const fresh = (fields: Record<string, unknown> = {}) => {
    n += 1;
    return account(t, { label: 'seed2-profile', username: `profile_user_${n}`, fields });
  };
  const call = (method: 'GET' | 'PATCH' | 'POST', url: string, token?: string, body?: unknown) =>
    request(t, method, url, { token, body });
  const me = async (token: string) => {
    const data = dataOf(await call('GET', '/user/me', token));
    assert.deepEqual(Object.keys(data), ['user']);
    assert.equal(data.user.length, 1, 'user is an array of one object, as the sample shows');
    return data.user[0];
  };

  describe('GET /user/me', () => {
    it('answers the sample’s shape: every key, in order, from the account', async () => {
      const user = await fresh({ firstName: 'Ada', lastName: 'Lovelace' });
      const body = await me(user.token);
      assert.deepEqual(Object.keys(body), USER_KEYS);
      assert.deepEqual(
        [body._id, body.username, body.email, body.firstName, body.lastName, body.role, body.verified],
        [user.id, 'profile_user_1', user.email, 'Ada', 'Lovelace', 'user', true],
      );
      assert.equal(typeof body.verifiedDate, 'string');
      assert.deepEqual([body.followerCount, body.followingCount, body.isPrivate], [0, 0, false]);
      assert.deepEqual(body.customData, {});
    });

    it('takes the cookie session of POST /user/login', async () => {
      const user = await fresh();
      const login = await call('POST', '/user/login', undefined, {
        email: user.email,
        password: STRONG_PASSWORD,
      });
      const cookie = sessionCookieOf(login);
      assert.ok(cookie);
      const res = await request(t, 'GET', '/user/me', { headers: withCookie(cookie.value) });
      assert.equal(dataOf(res).user[0]._id, user.id);
    });

    it('refuses a missing or bad credential with a 401', async () => {
      refused(await call('GET', '/user/me'), 401, 'unauthenticated');
      const res = await call('GET', '/user/me', 'not-a-token');
      assert.equal(refused(res, 401).code.length > 0, true);
      assert.match(String(res.headers['www-authenticate']), /^Bearer/);
    });
  });

  describe('PATCH /user/me', () => {
    it('applies the sample (own address, own password, own role, a real number)', async () => {
      const user = await fresh();
      ok(await call('PATCH', '/user/me', user.token, patchSample(user, 'renamed_user_1')));
      const body = await me(user.token);
      assert.deepEqual(
        [body.username, body.firstName, body.lastName, body.phone, body.email, body.role],
        ['renamed_user_1', 'John', 'Doe', '+14155552671', user.email, 'user'],
      );
    });

    it('reads the sample as an array of one object too; absent fields are kept', async () => {
      const user = await fresh({ firstName: 'Kept', lastName: 'Name' });
      ok(await call('PATCH', '/user/me', user.token, [{ lastName: 'Changed' }]));
      const body = await me(user.token);
      assert.deepEqual([body.firstName, body.lastName], ['Kept', 'Changed']);
      ok(await call('PATCH', '/user/me', user.token, {}));
    });

    it('refuses the sample as sent (its number is a placeholder), changing nothing', async () => {
      const user = await fresh();
      const before = await me(user.token);
      const error = refused(
        await call('PATCH', '/user/me', user.token, {
          ...patchSample(user, 'never_applied_1'),
          phoneCountryCode: '+00',
          phone: '0000000000',
        }),
        422,
        'validation_failed',
      );
      assert.deepEqual(
        error.errors.map((e: { field: string }) => e.field),
        ['phone'],
      );
      assert.deepEqual(await me(user.token), before);
    });

    it('refuses another address, a wrong password and another role, changing nothing', async () => {
      const user = await fresh();
      const before = await me(user.token);
      const sample = patchSample(user, 'never_applied_2');
      refused(
        await call('PATCH', '/user/me', user.token, { ...sample, email: 'someone.else@example.com' }),
        422,
        'validation_failed',
      );
      refused(
        await call('PATCH', '/user/me', user.token, { ...sample, password: 'not the password 1' }),
        403,
        'invalid_password',
      );
      refused(await call('PATCH', '/user/me', user.token, { ...sample, role: 'admin' }), 403, 'forbidden');
      assert.deepEqual(await me(user.token), before);
    });

    it('refuses a taken username (409) and the seed’s username rule (422), changing nothing', async () => {
      const a = await fresh();
      const b = await fresh();
      const before = await me(b.token);
      refused(await call('PATCH', '/user/me', b.token, { username: (await me(a.token)).username }), 409);
      refused(await call('PATCH', '/user/me', b.token, { username: 'short' }), 422, 'validation_failed');
      refused(await call('PATCH', '/user/me', b.token, { username: 'has-dash-name' }), 422);
      assert.deepEqual(await me(b.token), before);
    });

    it('target: your own id is your own edit; another user’s is refused without the staff permission', async () => {
      const user = await fresh();
      const other = await fresh({ firstName: 'Other' });
      ok(await call('PATCH', '/user/me', user.token, { target: user.id, firstName: 'Self' }));
      assert.equal((await me(user.token)).firstName, 'Self');
      const before = await me(other.token);
      refused(
        await call('PATCH', '/user/me', user.token, { target: other.id, firstName: 'Mallory' }),
        403,
        'forbidden',
      );
      // Not even whether the target exists: an unknown id is the same 403.
      refused(
        await call('PATCH', '/user/me', user.token, { target: 'no-such-user', firstName: 'Mallory' }),
        403,
        'forbidden',
      );
      assert.deepEqual(await me(other.token), before);
    });

    it('target: staff change another user’s profile, audited; their own flows’ fields only as they are', async () => {
      const admin = await fresh();
      await makeAdmin(t, admin.id);
      const other = await fresh({ firstName: 'Other' });
      const otherView = await me(other.token);
      ok(
        await call('PATCH', '/user/me', admin.token, {
          target: other.id,
          firstName: 'Edited',
          lastName: 'ByStaff',
          username: 'renamed_by_staff',
          phoneCountryCode: '+1',
          phone: '4155552671',
          email: other.email.toUpperCase(),
          role: 'user',
        }),
      );
      const edited = await me(other.token);
      assert.deepEqual(
        [edited.firstName, edited.lastName, edited.username, edited.phone, edited.email],
        ['Edited', 'ByStaff', 'renamed_by_staff', '+14155552671', otherView.email],
      );
      assert.equal((await me(admin.token)).firstName, null, 'the admin’s own profile is untouched');
      const audit = await t.db.database.db
        .selectFrom('audit_events')
        .select(['detail'])
        .where('user_id', '=', other.id)
        .where('type', '=', 'profile.changed_by_staff')
        .execute();
      assert.equal(audit.length, 1);
      const detail = typeof audit[0]!.detail === 'string' ? JSON.parse(audit[0]!.detail) : audit[0]!.detail;
      assert.deepEqual(detail, { by: 'user', actorId: admin.id, fields: ['name', 'phone', 'username'] });

      // Refused whole, changing nothing: another user’s password, a new role, another address, an unknown id.
      for (const [body, status, code] of [
        [{ target: other.id, firstName: 'Never', password: STRONG_PASSWORD }, 403, 'forbidden'],
        [{ target: other.id, firstName: 'Never', role: 'admin' }, 403, 'forbidden'],
        [{ target: other.id, firstName: 'Never', email: admin.email }, 422, 'validation_failed'],
        [{ target: other.id, username: admin.username }, 409, 'username_taken'],
        [{ target: 'no-such-user', firstName: 'Never' }, 404, 'user_not_found'],
      ] as const)
        refused(await call('PATCH', '/user/me', admin.token, body), status, code);
      assert.deepEqual(await me(other.token), edited);
    });

    it('refuses wrong types, changing nothing; never a 5xx', async () => {
      const user = await fresh();
      const before = await me(user.token);
      for (const body of [
        { firstName: 5 },
        { username: ['a'] },
        { phone: { $gt: '' } },
        { firstName: 'x'.repeat(5000) },
        { role: null },
        { target: '' },
        'not json',
      ])
        anyRefusal(await call('PATCH', '/user/me', user.token, body));
      assert.deepEqual(await me(user.token), before);
    });
  });

  describe('POST /user/private', () => {
    it('takes the sample ([{"state": true}]) and back; another user sees it', async () => {
      const user = await fresh();
      const other = await fresh();
      ok(await call('POST', '/user/private', user.token, [{ state: true }]));
      assert.equal((await me(user.token)).isPrivate, true);
      assert.equal(dataOf(await call('GET', `/user/${user.id}`, other.token)).user[0].isPrivate, true);
      ok(await call('POST', '/user/private', user.token, { state: false }));
      assert.equal((await me(user.token)).isPrivate, false);
    });

    it('refuses a missing or mistyped state, changing nothing', async () => {
      const user = await fresh();
      for (const body of [{}, { state: 'yes' }, { state: 1 }, { state: null }, [{}, {}]])
        refused(await call('POST', '/user/private', user.token, body), 422);
      assert.equal((await me(user.token)).isPrivate, false);
    });
  });

  describe('GET /user/:userId', () => {
    it('answers another user’s object: every key, contact data null', async () => {
      const user = await fresh({ firstName: 'Grace' });
      const viewer = await fresh();
      ok(await call('PATCH', '/user/me', user.token, { phone: '+14155552671' }));
      const data = dataOf(await call('GET', `/user/${user.id}`, viewer.token));
      const body = data.user[0];
      assert.deepEqual(Object.keys(body), USER_KEYS);
      assert.deepEqual(
        [body._id, body.firstName, body.email, body.phone, body.verifiedDate, body.verified],
        [user.id, 'Grace', null, null, null, true],
      );
    });

    it('`verified` is the activation: an account made by phone is verified to itself as to others', async () => {
      const user = await fresh();
      const viewer = await fresh();
      const at = '2026-01-02T03:04:05.000Z';
      // An account whose only proof is its number (an SMS sign-up), set before its first read.
      await t.db.database.db
        .updateTable('users')
        .set({ email_verified_at: null, phone: '+14155550123', phone_verified_at: at })
        .where('id', '=', user.id)
        .execute();
      const own = await me(user.token);
      assert.deepEqual([own.verified, own.verifiedDate], [true, at]);
      const seen = dataOf(await call('GET', `/user/${user.id}`, viewer.token)).user[0];
      assert.deepEqual([seen.verified, seen.verifiedDate], [true, null]);
    });

    it('staff (an admin’s own session) see the contact data; the 404s stay the same', async () => {
      const user = await fresh();
      const admin = await fresh();
      await makeAdmin(t, admin.id);
      const body = dataOf(await call('GET', `/user/${user.id}`, admin.token)).user[0];
      assert.deepEqual(Object.keys(body), USER_KEYS);
      assert.equal(body.email, user.email);
      assert.equal(typeof body.verifiedDate, 'string');
      refused(await call('GET', '/user/01J0000000000000000000000', admin.token), 404, 'user_not_found');
    });

    it('answers your own id with your own object', async () => {
      const user = await fresh();
      const body = dataOf(await call('GET', `/user/${user.id}`, user.token)).user[0];
      assert.equal(body.email, user.email);
    });

    it('an unknown id and a block either way are the same 404', async () => {
      const viewer = await fresh();
      const blocker = await fresh();
      const blocked = await fresh();
      const res = await call('POST', `/v1/users/${viewer.id}/block`, blocker.token);
      assert.equal(res.statusCode, 204, res.body);
      assert.equal((await call('POST', `/v1/users/${blocked.id}/block`, viewer.token)).statusCode, 204);
      const unknown = refused(await call('GET', '/user/01J0000000000000000000000', viewer.token), 404);
      for (const id of [blocker.id, blocked.id]) {
        const error = refused(await call('GET', `/user/${id}`, viewer.token), 404);
        assert.deepEqual(error, unknown);
      }
    });

    it('refuses an oversized or odd id with a 4xx, never a 5xx', async () => {
      const viewer = await fresh();
      for (const id of ['x'.repeat(65), '%00', '..%2F..%2Fetc', '%E0%A4%A', "1' OR '1'='1"])
        anyRefusal(await call('GET', `/user/${id}`, viewer.token));
    });
  });
});
