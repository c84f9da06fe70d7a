// Seed 002's second factor from its samples: POST /user/enable-2fa (Roster's
// path) turns email codes on, the login sample then answers `2faEnabled:
// true` with a `sessionHash`, and POST /user/do-2fa completes it once. A
// spent sessionHash, another user's id as target or another user's
// sessionHash signs nobody in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { codeOf, type Flow, freshEmail, startFlow } from '../../helpers/flow.ts';
import {
  CREATE_SAMPLE,
  dataOf,
  LOGIN_SAMPLE,
  ok,
  refused,
  SIGNED_IN_USER_KEYS,
  sessionCookieOf,
  withCookie,
} from './seed-002.ts';

const SIGN_IN_CODE = /^Your Roster sign-in code$/;
const SECURITY_CODE = /^Your Roster security code$/;

describe(`seed 002 two-factor sign-in (${testDialect})`, () => {
  let flow: Flow;
  before(async () => {
    flow = await startFlow({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => flow.close());

  const call = (
    method: 'GET' | 'POST',
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

  describe('2FA: POST /user/enable-2fa, then the login sample with 2FA and POST /user/do-2fa', () => {
    /** An account with email codes on through the surface; its cookie session too. */
    async function withTwoFactor() {
      const user = await created();
      const cookie = await cookieFor(user);
      ok(await call('POST', '/user/enable-2fa', { headers: withCookie(cookie) }));
      const code = codeOf(await flow.takeMail(user.email, SECURITY_CODE));
      refused(
        await call('POST', '/user/enable-2fa', {
          headers: withCookie(cookie),
          body: { code: '000000' === code ? '111111' : '000000' },
        }),
        422,
        'invalid_code',
      );
      const data = dataOf(
        await call('POST', '/user/enable-2fa', { headers: withCookie(cookie), body: { code } }),
      );
      assert.equal(data.recoveryCodes.length, 10);
      return { ...user, cookie, recoveryCodes: data.recoveryCodes as string[] };
    }

    /** The login sample's shape with 2FA on; returns its data and the mailed code. */
    async function pendingLogin(user: { username: string; email: string; password: string }) {
      const res = await call('POST', '/user/login', { body: { ...LOGIN_SAMPLE, ...user } });
      const data = dataOf(res);
      assert.equal(sessionCookieOf(res), null, 'no session before the second factor');
      const code = codeOf(await flow.takeMail(user.email, SIGN_IN_CODE));
      return { data, code };
    }

    it('answers the 2FA sample, then do-2fa completes it once with the mailed code', async () => {
      const user = await withTwoFactor();
      const { data, code } = await pendingLogin(user);
      assert.deepEqual(Object.keys(data), ['2faEnabled', 'sessionHash', 'user']);
      assert.equal(data['2faEnabled'], true);
      assert.equal(typeof data.sessionHash, 'string');
      assert.deepEqual(Object.keys(data.user), ['_id', 'username', 'email']);
      assert.deepEqual([data.user.username, data.user.email], [user.username, user.email]);
      // The sample's shape: an array of one object.
      const body = [{ target: data.user._id, code, sessionHash: data.sessionHash }];
      const res = await call('POST', '/user/do-2fa', { body });
      const done = dataOf(res);
      assert.deepEqual(Object.keys(done), ['user']);
      assert.deepEqual(Object.keys(done.user), SIGNED_IN_USER_KEYS);
      assert.equal(done.user._id, data.user._id);
      const cookie = sessionCookieOf(res);
      assert.ok(cookie);
      // A replayed sessionHash signs nobody in.
      const replay = await call('POST', '/user/do-2fa', { body });
      refused(replay, 401, 'invalid_mfa_token');
      assert.equal(sessionCookieOf(replay), null);
      ok(await call('POST', '/user/logout', { headers: withCookie(cookie.value) }));
    });

    it('takes a recovery code, and a numeric code as the samples send it', async () => {
      const user = await withTwoFactor();
      const first = await pendingLogin(user);
      const target = first.data.user._id;
      dataOf(
        await call('POST', '/user/do-2fa', {
          body: { target, code: user.recoveryCodes[0], sessionHash: first.data.sessionHash },
        }),
      );
      // A code with a leading 0 has no numeric form: a new sign-in mails another (9 in 10 have none).
      let second = await pendingLogin(user);
      for (let tries = 0; second.code.startsWith('0') && tries < 10; tries += 1)
        second = await pendingLogin(user);
      assert.ok(!second.code.startsWith('0'), 'a code without a leading 0 came within 10 sign-ins');
      dataOf(
        await call('POST', '/user/do-2fa', {
          body: { target, code: Number(second.code), sessionHash: second.data.sessionHash },
        }),
      );
    });

    it('refuses another user’s id as target and a wrong code, spending nothing but the wrong code’s try', async () => {
      const user = await withTwoFactor();
      const other = await withTwoFactor();
      const { data, code } = await pendingLogin(user);
      const sessionHash = data.sessionHash;
      const error = refused(
        await call('POST', '/user/do-2fa', {
          body: { target: await otherId(other), code, sessionHash },
        }),
        422,
        'validation_failed',
      );
      assert.deepEqual(
        error.errors.map((e: { field: string }) => e.field),
        ['target'],
      );
      const wrong = code === '000000' ? '111111' : '000000';
      refused(
        await call('POST', '/user/do-2fa', { body: { target: data.user._id, code: wrong, sessionHash } }),
        401,
        'invalid_mfa_code',
      );
      // Another user's sessionHash with its own id as target: only that user's code completes it.
      const theirs = await pendingLogin(other);
      refused(
        await call('POST', '/user/do-2fa', {
          body: { target: theirs.data.user._id, code, sessionHash: theirs.data.sessionHash },
        }),
        401,
        'invalid_mfa_code',
      );
      dataOf(await call('POST', '/user/do-2fa', { body: { target: data.user._id, code, sessionHash } }));
    });

    it('refuses the do-2fa sample as sent (it lacks the sessionHash its table requires) and bad input', async () => {
      const sample = [{ target: '507f1f77bcf86cd799439011', code: 22625 }];
      const error = refused(await call('POST', '/user/do-2fa', { body: sample }), 422, 'validation_failed');
      assert.deepEqual(
        error.errors.map((e: { field: string }) => e.field),
        ['sessionHash'],
      );
      const bad = {
        target: '507f1f77bcf86cd799439011',
        code: 22625,
        sessionHash: '0f4e1ea6-9f2f-4239-96ec-64cbfc7e4815',
      };
      refused(await call('POST', '/user/do-2fa', { body: bad }), 422, 'validation_failed');
      const forged = { ...bad, sessionHash: `${'A'.repeat(43)}.507f1f77bcf86cd799439011` };
      refused(await call('POST', '/user/do-2fa', { body: forged }), 401, 'invalid_mfa_token');
      refused(await call('POST', '/user/do-2fa', { body: { ...bad, code: [1] } }), 422, 'validation_failed');
      refused(await call('POST', '/user/do-2fa', { body: { ...bad, sessionHash: 'x'.repeat(10_000) } }), 422);
    });

    it('enable-2fa needs a signed-in caller, and a recent sign-in for the code', async () => {
      refused(await call('POST', '/user/enable-2fa'), 401, 'unauthenticated');
      const user = await withTwoFactor();
      refused(
        await call('POST', '/user/enable-2fa', { headers: withCookie(user.cookie) }),
        409,
        'mfa_already_enabled',
      );
      refused(
        await call('POST', '/user/enable-2fa', {
          headers: withCookie(user.cookie),
          body: { code: { a: 1 } },
        }),
        422,
      );
    });
  });

  /** A user's id, from a login of theirs through the surface. */
  async function otherId(user: { email: string; password: string }): Promise<string> {
    const res = await call('POST', '/user/login', { body: { email: user.email, password: user.password } });
    const id = dataOf(res).user._id as string;
    await flow.takeMail(user.email, SIGN_IN_CODE);
    return id;
  }
});
