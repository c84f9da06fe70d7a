// Seed 002's account routes without a sign-in, from the document's samples:
// POST /user/create, POST /user/verify-email, GET /user/code and
// POST /user/reset-password. A taken address answers as a new one; refused
// requests change nothing; no input gets a 5xx.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../src/platform/clock.ts';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { countUsers } from '../../helpers/factories.ts';
import { codeOf, type Flow, freshEmail, linkOf, SUBJECT, startFlow } from '../../helpers/flow.ts';
import { CREATE_SAMPLE, LOGIN_SAMPLE, ok, refused } from './seed-002.ts';

/** The create sample with a real number: the sample's `+00 0000000000` is a placeholder. */
const REAL_PHONE = { phoneCountryCode: '+1', phone: '4155552671' };

describe(`seed 002 account routes (${testDialect})`, () => {
  let flow: Flow;
  before(async () => {
    flow = await startFlow();
  });
  after(() => flow.close());

  const call = (method: 'GET' | 'POST', url: string, body?: unknown, headers?: Record<string, string>) =>
    request(flow.t, method, url, { body, ...(headers ? { headers } : {}) });
  let n = 0;
  const fresh = () => {
    n += 1;
    return { ...CREATE_SAMPLE, ...REAL_PHONE, username: `john_doe_${n}`, email: freshEmail('seed2') };
  };

  describe('POST /user/create', () => {
    it('refuses the sample as sent: its number is a placeholder (422 on phone), creating nothing', async () => {
      const error = refused(await call('POST', '/user/create', CREATE_SAMPLE), 422, 'validation_failed');
      assert.deepEqual(
        error.errors.map((e: { field: string }) => e.field),
        ['phone'],
      );
      assert.equal(await countUsers(flow.t, CREATE_SAMPLE.email), 0);
    });

    it('creates the sample’s account with a real number, mails the code; verify-email activates it', async () => {
      const body = { ...CREATE_SAMPLE, ...REAL_PHONE };
      ok(await call('POST', '/user/create', body));
      const mail = await flow.takeMail(body.email, SUBJECT.verify);
      // Not active before the code: the same 401 as a wrong password.
      refused(await call('POST', '/user/login', LOGIN_SAMPLE), 401, 'invalid_credentials');
      ok(
        await call('POST', '/user/verify-email', {
          email: body.email,
          code: codeOf(mail),
          password: body.password,
        }),
      );
      const login = await call('POST', '/user/login', LOGIN_SAMPLE);
      assert.equal(login.statusCode, 200, login.body);
      const user = login.json().data.user;
      assert.deepEqual(
        [user.username, user.firstName, user.lastName, user.email, user.phone, user.verified],
        ['john_doe', 'John', 'Doe', 'user@example.com', '+14155552671', true],
      );
    });

    it('answers a taken address as a new one (its owner is told by mail), creating no second account', async () => {
      const first = fresh();
      ok(await call('POST', '/user/create', first));
      await flow.takeMail(first.email, SUBJECT.verify);
      const again = { ...fresh(), email: first.email };
      ok(await call('POST', '/user/create', again));
      await flow.takeMail(first.email, SUBJECT.signupAttempt);
      assert.equal(await countUsers(flow.t, first.email), 1);
    });

    it('refuses a taken username with 409, whatever the address', async () => {
      const first = fresh();
      ok(await call('POST', '/user/create', first));
      const again = { ...fresh(), username: first.username.toUpperCase() };
      refused(await call('POST', '/user/create', again), 409, 'username_taken');
      assert.equal(await countUsers(flow.t, again.email), 0);
    });

    it('holds the seed’s username rule: letters, numbers and _, at least 8', async () => {
      for (const username of ['john_do', 'john-doe1', 'john doe1', 'jöhn_doe1', 'x'.repeat(31), '']) {
        const body = { ...fresh(), username };
        const error = refused(await call('POST', '/user/create', body), 422, 'validation_failed');
        assert.deepEqual(
          [...new Set(error.errors.map((e: { field: string }) => e.field))],
          ['username'],
          username,
        );
        assert.equal(await countUsers(flow.t, body.email), 0);
      }
      ok(await call('POST', '/user/create', { ...fresh(), username: 'abcd_123' }));
    });

    it('names every missing field, and each of the wrong type', async () => {
      const missing = refused(await call('POST', '/user/create', {}), 422, 'validation_failed');
      assert.deepEqual(missing.errors.map((e: { field: string }) => e.field).sort(), [
        'email',
        'firstName',
        'lastName',
        'password',
        'username',
      ]);
      const body = { ...fresh(), firstName: 5, lastName: ['Doe'], email: { a: 1 }, phone: 7700900123 };
      const wrong = refused(await call('POST', '/user/create', body), 422, 'validation_failed');
      assert.deepEqual(wrong.errors.map((e: { field: string }) => e.field).sort(), [
        'email',
        'firstName',
        'lastName',
        'phone',
      ]);
      assert.equal(await countUsers(flow.t, body.username), 0);
    });

    it('refuses oversized fields, bodies that are not one object, and a weak password; nothing is created', async () => {
      const base = fresh();
      const cases: [unknown, number][] = [
        [{ ...base, firstName: 'J'.repeat(101) }, 422],
        [{ ...base, password: 'p'.repeat(600) }, 422],
        [{ ...base, password: 'password' }, 422],
        [{ ...base, email: 'not-an-address' }, 422],
        [{ ...base, phoneCountryCode: '+12345' }, 422],
        [[base, base], 422],
        [[], 422],
        ['null', 422],
      ];
      for (const [body, status] of cases) {
        const res =
          typeof body === 'string'
            ? await call('POST', '/user/create', body, { 'content-type': 'application/json' })
            : await call('POST', '/user/create', body);
        refused(res, status);
      }
      refused(
        await call('POST', '/user/create', '{"username":', { 'content-type': 'application/json' }),
        400,
      );
      refused(await call('POST', '/user/create', 'username=x', { 'content-type': 'text/plain' }), 422);
      refused(await call('POST', '/user/create', 'username=x', { 'content-type': 'application/xml' }), 415);
      const huge = { ...base, firstName: 'J'.repeat(2 * 1024 * 1024) };
      refused(await call('POST', '/user/create', huge), 413);
      assert.equal(await countUsers(flow.t, base.email), 0);
    });
  });

  describe('POST /user/verify-email', () => {
    it('takes the link’s token as `code`; a code works once; a wrong one changes nothing', async () => {
      const body = fresh();
      ok(await call('POST', '/user/create', body));
      const mail = await flow.takeMail(body.email, SUBJECT.verify);
      const { token } = linkOf(mail, '/verify-email');
      refused(
        await call('POST', '/user/verify-email', { email: body.email, code: '000000' }),
        422,
        'invalid_code',
      );
      refused(await call('POST', '/user/verify-email', { code: 'A'.repeat(43) }), 422, 'invalid_link');
      ok(await call('POST', '/user/verify-email', [{ code: token, password: body.password }]));
      refused(await call('POST', '/user/verify-email', { code: token }), 422, 'invalid_link');
      const login = await call('POST', '/user/login', { email: body.email, password: body.password });
      assert.equal(login.statusCode, 200, login.body);
    });

    it('the client that signed up (its roster_signup cookie) sends the code alone and keeps its password', async () => {
      const body = fresh();
      const created = await call('POST', '/user/create', body);
      ok(created);
      const setCookie = String(created.headers['set-cookie']);
      assert.match(setCookie, /^roster_signup=[^;]+; Max-Age=900; Path=\/user; HttpOnly; SameSite=Lax/);
      const cookie = setCookie.split(';')[0]!;
      const code = codeOf(await flow.takeMail(body.email, SUBJECT.verify));
      // A wrong code costs a try and changes nothing; the right one, as the document's client sends it, verifies.
      refused(await call('POST', '/user/verify-email', { code: '000000' }, { cookie }), 422, 'invalid_code');
      const verified = await call('POST', '/user/verify-email', { code }, { cookie });
      ok(verified);
      assert.match(String(verified.headers['set-cookie']), /^roster_signup=;/, 'the cookie is spent');
      const login = await call('POST', '/user/login', { email: body.email, password: body.password });
      assert.equal(login.statusCode, 200, login.body);
    });

    it('without the sign-up’s cookie the password is not kept; another sign-up’s cookie proves nothing', async () => {
      const mine = fresh();
      const squatted = fresh();
      const mineCookie = String((await call('POST', '/user/create', mine)).headers['set-cookie']).split(
        ';',
      )[0]!;
      ok(await call('POST', '/user/create', squatted));
      // The squatted address's owner verifies from the mail, in another browser (or with this cookie).
      const { token } = linkOf(await flow.takeMail(squatted.email, SUBJECT.verify), '/verify-email');
      ok(await call('POST', '/user/verify-email', { code: token }, { cookie: mineCookie }));
      refused(
        await call('POST', '/user/login', { email: squatted.email, password: squatted.password }),
        401,
        'invalid_credentials',
      );
      // A forged cookie names no sign-up: the code alone is then no proof.
      const code = codeOf(await flow.takeMail(mine.email, SUBJECT.verify));
      const forged = `${mineCookie.slice(0, -4)}AAAA`;
      refused(await call('POST', '/user/verify-email', { code }, { cookie: forged }), 422);
      ok(await call('POST', '/user/verify-email', { code }, { cookie: mineCookie }));
      const login = await call('POST', '/user/login', { email: mine.email, password: mine.password });
      assert.equal(login.statusCode, 200, login.body);
    });

    it('with the cookie, a wrong code gets the same reply for a taken address as for a new one', async () => {
      const taken = fresh();
      ok(await call('POST', '/user/create', taken));
      await flow.takeMail(taken.email, SUBJECT.verify);
      const again = { ...fresh(), email: taken.email };
      const cookieOf = async (body: object) =>
        String((await call('POST', '/user/create', body)).headers['set-cookie']).split(';')[0]!;
      const contested = await cookieOf(again);
      const brandNew = await cookieOf(fresh());
      const replies = [];
      for (const cookie of [contested, brandNew]) {
        const res = await call('POST', '/user/verify-email', { code: '000000' }, { cookie });
        replies.push([res.statusCode, res.json().error.code]);
      }
      assert.deepEqual(replies, [
        [422, 'invalid_code'],
        [422, 'invalid_code'],
      ]);
    });

    it('refuses a body without a code, or with one of the wrong type', async () => {
      refused(await call('POST', '/user/verify-email', {}), 422, 'validation_failed');
      refused(await call('POST', '/user/verify-email', { code: true }), 422, 'validation_failed');
      refused(await call('POST', '/user/verify-email', { code: 'x'.repeat(201) }), 422, 'validation_failed');
    });
  });

  describe('GET /user/code and POST /user/reset-password', () => {
    it('answers an unknown address as a known one; only the known one gets a mail', async () => {
      const body = fresh();
      ok(await call('POST', '/user/create', body));
      const mail = await flow.takeMail(body.email, SUBJECT.verify);
      ok(
        await call('POST', '/user/verify-email', {
          email: body.email,
          code: codeOf(mail),
          password: body.password,
        }),
      );
      const known = await call('GET', `/user/code?email=${encodeURIComponent(body.email)}`);
      const unknown = await call('GET', `/user/code?email=${encodeURIComponent(freshEmail('nobody'))}`);
      ok(known);
      ok(unknown);
      assert.equal(known.body, unknown.body);
      await flow.takeMail(body.email, SUBJECT.reset);
    });

    it('the client that asked for the code (its roster_reset cookie) sends the 6-digit code alone', async () => {
      const body = fresh();
      const created = await call('POST', '/user/create', body);
      const signup = String(created.headers['set-cookie']).split(';')[0]!;
      const code = codeOf(await flow.takeMail(body.email, SUBJECT.verify));
      ok(await call('POST', '/user/verify-email', { code }, { cookie: signup }));
      const asked = await call('GET', `/user/code?email=${encodeURIComponent(body.email)}`);
      ok(asked);
      assert.match(
        String(asked.headers['set-cookie']),
        /^roster_reset=[^;]+; Max-Age=900; Path=\/user; HttpOnly/,
      );
      const cookie = String(asked.headers['set-cookie']).split(';')[0]!;
      const resetCode = codeOf(await flow.takeMail(body.email, SUBJECT.reset));
      const password = 'fresh_Passw0rd-harbour';
      // Without the cookie, a 6-digit code alone is no link token: refused, nothing spent.
      refused(await call('POST', '/user/reset-password', { code: resetCode, password }), 422, 'invalid_link');
      ok(await call('POST', '/user/reset-password', { code: resetCode, password }, { cookie }));
      const login = await call('POST', '/user/login', { email: body.email, password });
      assert.equal(login.statusCode, 200, login.body);
    });

    it('resets with the mailed code and address; every session ends; the code works once', async () => {
      const body = fresh();
      ok(await call('POST', '/user/create', body));
      ok(
        await call('POST', '/user/verify-email', {
          email: body.email,
          code: codeOf(await flow.takeMail(body.email, SUBJECT.verify)),
          password: body.password,
        }),
      );
      const login = await call('POST', '/user/login', { email: body.email, password: body.password });
      const cookie = String(login.headers['set-cookie']).split(';')[0]!;
      ok(await call('GET', `/user/code?email=${encodeURIComponent(body.email)}`));
      const code = codeOf(await flow.takeMail(body.email, SUBJECT.reset));
      // The sample's own shape: an array of one object.
      ok(
        await call('POST', '/user/reset-password', [
          { code, email: body.email, password: 'new_Passw0rd-lantern' },
        ]),
      );
      refused(
        await call('POST', '/user/reset-password', {
          code,
          email: body.email,
          password: 'another_Passw0rd-x',
        }),
        422,
        'invalid_code',
      );
      refused(await call('POST', '/user/logout', undefined, { cookie }), 401, 'unauthenticated');
      refused(await call('POST', '/user/login', { email: body.email, password: body.password }), 401);
      const again = await call('POST', '/user/login', {
        email: body.email,
        password: 'new_Passw0rd-lantern',
      });
      assert.equal(again.statusCode, 200, again.body);
    });

    it('refuses the sample (its code is a placeholder) and bad input, without a 5xx', async () => {
      const sample = [{ code: 'xxx-yyy-zzz-111-222-333', password: 'new_Passw0rd' }];
      refused(await call('POST', '/user/reset-password', sample), 422, 'invalid_link');
      refused(await call('POST', '/user/reset-password', {}), 422, 'validation_failed');
      refused(await call('POST', '/user/reset-password', { code: 1, password: 2 }), 422, 'validation_failed');
      refused(await call('GET', '/user/code'), 422, 'validation_failed');
      refused(await call('GET', '/user/code?email=not-an-address'), 422, 'validation_failed');
      refused(await call('GET', `/user/code?email=${'a'.repeat(400)}@x.io`), 422, 'validation_failed');
    });
  });
});

describe(`seed 002 sign-up proof lifetime (${testDialect})`, () => {
  const clock = new ManualClock(new Date());
  let flow: Flow;
  before(async () => {
    flow = await startFlow({ clock });
  });
  after(() => flow.close());

  it('the cookie proves the sign-up for the code’s 15 minutes only', async () => {
    const body = {
      ...CREATE_SAMPLE,
      ...REAL_PHONE,
      username: 'john_doe_late',
      email: freshEmail('seed2-late'),
    };
    const created = await request(flow.t, 'POST', '/user/create', { body });
    const cookie = String(created.headers['set-cookie']).split(';')[0]!;
    const { token } = linkOf(await flow.takeMail(body.email, SUBJECT.verify), '/verify-email');
    await clock.tick(15 * 60_000 + 1_000);
    // The link still works (24 hours), but the stale cookie keeps no password.
    ok(await request(flow.t, 'POST', '/user/verify-email', { body: { code: token }, headers: { cookie } }));
    const login = await request(flow.t, 'POST', '/user/login', {
      body: { email: body.email, password: body.password },
    });
    refused(login, 401, 'invalid_credentials');
  });
});
