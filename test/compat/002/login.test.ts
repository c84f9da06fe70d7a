// Seed 002's sign-in from its samples: POST /user/login, the cookie session
// it sets, POST /user/logout and POST /user/logout-all (Roster's paths) with
// that cookie and with bearer tokens. An unknown account answers as a wrong
// password; a refused sign-in opens no session.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { type Flow, freshEmail, startFlow } from '../../helpers/flow.ts';
import {
  CREATE_SAMPLE,
  dataOf,
  LOGIN_SAMPLE,
  NEW_ACCOUNT_FIELDS,
  ok,
  refused,
  SIGNED_IN_USER_KEYS,
  sessionCookieOf,
  withCookie,
} from './seed-002.ts';

describe(`seed 002 sign-in (${testDialect})`, () => {
  let flow: Flow;
  before(async () => {
    flow = await startFlow({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => flow.close());

  const call = (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    options: { body?: unknown; headers?: Record<string, string>; token?: string } = {},
  ) => request(flow.t, method, url, options);
  let n = 0;
  /** An account made by POST /user/create (verified at once here). */
  async function created(): Promise<{ username: string; email: string; password: string }> {
    n += 1;
    const body = {
      ...CREATE_SAMPLE,
      phoneCountryCode: '+1',
      phone: '4155552671',
      username: `jane_doe_${n}`,
      email: freshEmail('jane'),
    };
    ok(await call('POST', '/user/create', { body }));
    return body;
  }
  /** Signs in with the login sample's shape; returns the cookie value. */
  async function cookieFor(user: { username: string; email: string; password: string }): Promise<string> {
    const res = await call('POST', '/user/login', { body: { ...LOGIN_SAMPLE, ...user } });
    dataOf(res);
    return sessionCookieOf(res)!.value;
  }

  describe('POST /user/login', () => {
    it('answers the sample without 2FA: the user object and a roster_session cookie', async () => {
      ok(
        await call('POST', '/user/create', {
          body: { ...CREATE_SAMPLE, phoneCountryCode: '+1', phone: '4155552671' },
        }),
      );
      const res = await call('POST', '/user/login', { body: LOGIN_SAMPLE });
      const data = dataOf(res);
      assert.deepEqual(Object.keys(data), ['2faEnabled', 'user']);
      assert.equal(data['2faEnabled'], false);
      const { user } = data;
      assert.deepEqual(Object.keys(user), SIGNED_IN_USER_KEYS);
      assert.match(user._id, /^[0-9a-f-]{36}$/);
      assert.deepEqual(
        [user.firstName, user.lastName, user.username, user.role, user.email, user.phone],
        ['John', 'Doe', 'john_doe', 'user', 'user@example.com', '+14155552671'],
      );
      assert.equal(user.verified, true);
      assert.ok(!Number.isNaN(Date.parse(user.verifiedDate)));
      assert.equal(user.varifiedDate, user.verifiedDate);
      assert.deepEqual(
        [
          user.bio,
          user.profilePictureUrl,
          user.pronouns,
          user.followingCount,
          user.followerCount,
          user.isPrivate,
        ],
        [null, null, null, 0, 0, false],
      );
      assert.deepEqual(user.customData, {});
      for (const [field, value] of Object.entries(NEW_ACCOUNT_FIELDS))
        assert.equal(user[field], value, field);
      const cookie = sessionCookieOf(res);
      assert.ok(cookie, 'the login sets roster_session');
      assert.match(cookie.value, /^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
      assert.match(cookie.attributes, /HttpOnly/i);
      assert.match(cookie.attributes, /SameSite=Lax/i);
      assert.match(cookie.attributes, /Path=\//);
      assert.doesNotMatch(cookie.attributes, /Secure/i, 'PUBLIC_URL is http here');
      // The session list names the body's user agent.
      const sessions = await call('GET', '/v1/sessions', {
        token: (await flow.login('user@example.com', LOGIN_SAMPLE.password)).accessToken,
      });
      assert.ok(
        sessions.json().items.some((s: { userAgent: string }) => s.userAgent === LOGIN_SAMPLE.userAgent),
        sessions.body,
      );
    });

    it('carries the profile fields the user set natively: middle name, gender, designation, link', async () => {
      const user = await created();
      const { accessToken } = await flow.login(user.email, user.password);
      const patched = await call('PATCH', '/v1/me', {
        token: accessToken,
        body: {
          name: { middle: 'Quinn' },
          gender: 'non-binary',
          designation: 'Staff engineer',
          customLink: 'https://jane.example.com/',
        },
      });
      assert.equal(patched.statusCode, 200, patched.body);
      const { user: seen } = dataOf(
        await call('POST', '/user/login', { body: { email: user.email, password: user.password } }),
      ) as { user: Record<string, unknown> };
      assert.deepEqual(
        [seen.middleName, seen.gender, seen.designation, seen.customLink],
        ['Quinn', 'non-binary', 'Staff engineer', 'https://jane.example.com/'],
      );
    });

    it('signs in by email alone or username alone; both must name the same account', async () => {
      const user = await created();
      const { _id: id } = dataOf(
        await call('POST', '/user/login', { body: { email: user.email, password: user.password } }),
      ).user;
      dataOf(
        await call('POST', '/user/login', {
          body: { username: user.username.toUpperCase(), password: user.password },
        }),
      );
      const other = await created();
      const { accessToken } = await flow.login(user.email, user.password);
      const live = async () =>
        (await call('GET', '/v1/sessions', { token: accessToken })).json().items.length;
      const before = await live();
      const audited = async () =>
        (
          await flow.t.db.database.db
            .selectFrom('audit_events')
            .select('type')
            .where('user_id', '=', id)
            .where('type', 'in', ['login.succeeded', 'login.failed', 'session.revoked'])
            .orderBy('created_at')
            .execute()
        ).map((r) => r.type);
      const trail = await audited();
      const mixed = await call('POST', '/user/login', {
        body: { email: user.email, username: other.username, password: user.password },
      });
      refused(mixed, 401, 'invalid_credentials');
      assert.equal(sessionCookieOf(mixed), null);
      assert.equal(await live(), before, 'the refused sign-in leaves no session');
      // Judged as a wrong password, before any session: one failure, no success.
      assert.deepEqual((await audited()).slice(trail.length), ['login.failed']);
    });

    it('answers an unknown address, an unknown username and a wrong password alike, setting no cookie', async () => {
      const user = await created();
      const replies = [
        await call('POST', '/user/login', { body: { email: user.email, password: 'wrong-password-42' } }),
        await call('POST', '/user/login', { body: { email: freshEmail('nobody'), password: user.password } }),
        await call('POST', '/user/login', { body: { username: 'nobody_here', password: user.password } }),
      ];
      for (const res of replies) {
        refused(res, 401, 'invalid_credentials');
        assert.equal(sessionCookieOf(res), null);
      }
      assert.equal(new Set(replies.map((r) => r.body)).size, 1, 'the same body');
    });

    it('refuses bad input in its own shape', async () => {
      refused(await call('POST', '/user/login', { body: { password: 'x' } }), 422, 'validation_failed');
      refused(
        await call('POST', '/user/login', { body: { email: '  ', password: 'x' } }),
        422,
        'validation_failed',
      );
      refused(await call('POST', '/user/login', { body: { email: 'a@b.io' } }), 422, 'validation_failed');
      refused(
        await call('POST', '/user/login', { body: { email: 5, password: true } }),
        422,
        'validation_failed',
      );
      refused(
        await call('POST', '/user/login', { body: { email: 'a@b.io', password: 'p'.repeat(600) } }),
        422,
      );
      refused(
        await call('POST', '/user/login', {
          body: { email: 'a@b.io', password: 'x', userAgent: 'u'.repeat(513) },
        }),
        422,
      );
      refused(
        await call('POST', '/user/login', { body: '{', headers: { 'content-type': 'application/json' } }),
        400,
      );
    });
  });

  describe('the cookie session, POST /user/logout and POST /user/logout-all', () => {
    it('logout ends the cookie’s session and clears it; the cookie then signs nobody in', async () => {
      const cookie = await cookieFor(await created());
      const res = await call('POST', '/user/logout', { headers: withCookie(cookie) });
      ok(res);
      assert.match(String(res.headers['set-cookie']), /roster_session=;/);
      refused(await call('POST', '/user/logout', { headers: withCookie(cookie) }), 401, 'unauthenticated');
    });

    it('refuses a forged or foreign-site cookie, and a call with no credential at all', async () => {
      const cookie = await cookieFor(await created());
      const forged = `${cookie.slice(0, 37)}${'A'.repeat(43)}`;
      refused(await call('POST', '/user/logout', { headers: withCookie(forged) }), 401, 'unauthenticated');
      refused(
        await call('POST', '/user/logout', {
          headers: withCookie(cookie, { 'sec-fetch-site': 'cross-site' }),
        }),
        403,
        'forbidden',
      );
      const none = await call('POST', '/user/logout');
      refused(none, 401, 'unauthenticated');
      assert.equal(none.headers['www-authenticate'], 'Bearer');
      // The refused calls ended nothing.
      ok(await call('POST', '/user/logout', { headers: withCookie(cookie) }));
    });

    it('logout with a bearer token ends that token’s session', async () => {
      const user = await created();
      const tokens = await flow.login(user.email, user.password);
      ok(await call('POST', '/user/logout', { token: tokens.accessToken }));
      refused(await call('POST', '/user/logout', { token: tokens.accessToken }), 401);
    });

    it('logout-all ends every session and token of the user, and only theirs', async () => {
      const user = await created();
      const other = await created();
      const cookie = await cookieFor(user);
      const tokens = await flow.login(user.email, user.password);
      const others = await flow.login(other.email, other.password);
      ok(await call('POST', '/user/logout-all', { headers: withCookie(cookie) }));
      refused(await call('POST', '/user/logout', { headers: withCookie(cookie) }), 401);
      assert.equal((await call('GET', '/v1/me', { token: tokens.accessToken })).statusCode, 401);
      const refresh = await call('POST', '/v1/sessions/refresh', {
        body: { refreshToken: tokens.refreshToken },
      });
      assert.equal(refresh.statusCode, 401, refresh.body);
      assert.equal((await call('GET', '/v1/me', { token: others.accessToken })).statusCode, 200);
    });
  });
});
