// Seed 004 (`/users/*`) as its document shows it: every request and response
// sample, every error code, the envelope on every reply (refusals included),
// the data encryption an app can undo with the documented recipe, and the
// x-dev-time header, which sets the time only in development when allowed.
import assert from 'node:assert/strict';
import { createDecipheriv, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createApiKeys } from '../../src/modules/sessions/api-keys.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, type Json, makeAdmin, session } from '../helpers/factories.ts';
import { gif, jpeg, png, webp } from '../helpers/images.ts';
import { smsCodeReader } from '../helpers/phones.ts';
import { startSmsWebhook, type TestSmsWebhook } from '../helpers/sms-webhook.ts';

const DAY = 86_400_000;
const DONE = 'Operation completed successfully.';

/** Asserts the seed's success envelope; returns `data`. */
function success(res: Reply): Json {
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = res.json();
  assert.equal(body.status, 'success');
  assert.equal(body.is_data_encrypted, 0);
  assert.equal(body.error, null);
  assert.equal(body.app_actions, null);
  return body.data;
}

/** Asserts the seed's refusal envelope with this HTTP status and numeric code; returns the message. */
function refused(res: Reply, status: number, code: number): string {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/, 'never problem+json here');
  const body = res.json();
  assert.deepEqual(Object.keys(body).sort(), ['app_actions', 'data', 'error', 'is_data_encrypted', 'status']);
  assert.equal(body.status, 'error');
  assert.equal(body.is_data_encrypted, 0);
  assert.equal(body.data, null);
  assert.equal(body.app_actions, null);
  assert.equal(body.error.code, code, body.error.message);
  assert.equal(typeof body.error.message, 'string');
  return body.error.message;
}

let phoneCounter = 0;
/** A fresh valid Indian mobile number's 10 digits. */
const indianNumber = () =>
  `98${String((Date.now() % 10_000_000) * 10 + (phoneCounter++ % 10))
    .padStart(8, '0')
    .slice(-8)}`;

describe(`seed 004 surface (${testDialect})`, () => {
  const clock = new ManualClock(new Date());
  let t: TestApp;
  let sms: TestSmsWebhook;
  let readCode: (phone: string) => Promise<string>;
  let serviceKey: string;
  before(async () => {
    sms = await startSmsWebhook();
    readCode = smsCodeReader(sms);
    t = await buildTestApp({
      clock,
      env: {
        ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false',
        SMS_TRANSPORT: 'webhook',
        SMS_WEBHOOK_URL: sms.url,
      },
    });
    serviceKey = (await createApiKeys({ db: t.db.database.db, clock }).create('exam-app', ['activity:write']))
      .key;
  });
  after(async () => {
    await t.close();
    await sms.close();
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token?: string, body?: unknown) =>
    request(t, method, url, { token, body });

  describe('GET /users/mcq-daily/sync', () => {
    const record = async (userId: string, events: Json[]) => {
      const res = await request(t, 'POST', '/v1/activity/events', {
        headers: { 'x-api-key': serviceKey },
        body: { events: events.map((e) => ({ userId, stream: 'mcq', scope: '1', ...e })) },
      });
      assert.equal(res.statusCode, 200, res.body);
    };
    let n = 0;
    const attempt = (at: number, kind: string, correct: boolean, extra: Json = {}) => ({
      id: `attempt-${n++}`,
      kind,
      correct,
      at: new Date(at).toISOString(),
      ...extra,
    });

    it('answers the sample: ids {user}_{course}_{day}, the six totals, a resumable cursor', async () => {
      const me = await account(t);
      const day1 = 1714262400000; // 2024-04-28
      const day2 = 1714348800000; // 2024-04-29
      await record(me.id, [
        ...Array.from({ length: 6 }, (_, i) => attempt(day1 + 3600_000, 'first_attempt', i < 6)),
        ...Array.from({ length: 2 }, () => attempt(day1 + 7200_000, 'first_attempt', false)),
        attempt(day1 + 7200_000, 'reattempt', true),
        attempt(day1 + 7200_000, 'reattempt', false),
      ]);
      await record(me.id, [
        ...Array.from({ length: 15 }, (_, i) => attempt(day2 + 60_000, 'first_attempt', i < 10)),
        ...Array.from({ length: 5 }, (_, i) => attempt(day2 + 60_000, 'reattempt', i < 4)),
      ]);
      // Another course's and another stream's figures stay out.
      await record(me.id, [attempt(day2, 'first_attempt', true, { scope: '2' })]);
      await record(me.id, [attempt(day2, 'first_attempt', true, { stream: 'docket' })]);

      const res = await call('GET', `/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=${day1}`, me.token);
      const data = success(res);
      assert.deepEqual(data, [
        {
          id: `${me.id}_1_${day1}`,
          day_start_epoch_ms: day1,
          first_attempt_total: 8,
          first_attempt_correct: 6,
          reattempt_total: 2,
          reattempt_correct: 1,
          overall_total: 10,
          overall_correct: 7,
        },
        {
          id: `${me.id}_1_${day2}`,
          day_start_epoch_ms: day2,
          first_attempt_total: 15,
          first_attempt_correct: 10,
          reattempt_total: 5,
          reattempt_correct: 4,
          overall_total: 20,
          overall_correct: 14,
        },
      ]);
      const { pagination } = res.json();
      assert.equal(pagination.prev_cursor, null);
      assert.equal(pagination.limit, 50);
      assert.equal(pagination.has_more, false);
      // The seed's cursor shape: base64 JSON naming the last row's updated_at and id.
      const cursor = JSON.parse(Buffer.from(pagination.next_cursor, 'base64').toString('utf8'));
      assert.equal(cursor.id, `${me.id}_1_${day2}`);
      assert.equal(typeof cursor.updated_at, 'number');

      // Nothing changed since: an empty page that keeps the client's place.
      const again = await call(
        'GET',
        `/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=${day1}&next_cursor=${encodeURIComponent(pagination.next_cursor)}`,
        me.token,
      );
      assert.deepEqual(success(again), []);
      assert.equal(again.json().pagination.next_cursor, pagination.next_cursor);

      // A day synced already that changes again comes back, alone.
      await record(me.id, [attempt(day1 + 9000_000, 'reattempt', true)]);
      const changed = await call(
        'GET',
        `/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=${day1}&next_cursor=${encodeURIComponent(pagination.next_cursor)}`,
        me.token,
      );
      const rows = success(changed);
      assert.deepEqual(
        rows.map((r: Json) => [r.id, r.reattempt_total, r.reattempt_correct, r.overall_total]),
        [[`${me.id}_1_${day1}`, 3, 2, 11]],
      );

      // sync_from_epoch_ms: days starting at or after it; a mid-day instant starts with the next day.
      const later = success(
        await call('GET', `/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=${day1 + 1}`, me.token),
      );
      assert.deepEqual(
        later.map((r: Json) => r.day_start_epoch_ms),
        [day2],
      );
      // Another user sees none of it.
      const other = await account(t);
      assert.deepEqual(
        success(await call('GET', `/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=0`, other.token)),
        [],
      );
    });

    it('pages with limit: every changed day exactly once, has_more until the last', async () => {
      const me = await account(t);
      const start = Date.UTC(2026, 0, 1);
      await record(
        me.id,
        Array.from({ length: 7 }, (_, i) => attempt(start + i * DAY, 'first_attempt', true)),
      );
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const q = `course_id=1&sync_from_epoch_ms=${start}&limit=3${cursor ? `&next_cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await call('GET', `/users/mcq-daily/sync?${q}`, me.token);
        const rows = success(res);
        seen.push(...rows.map((r: Json) => r.id));
        const p = res.json().pagination;
        assert.equal(p.limit, 3);
        cursor = p.next_cursor;
        if (!p.has_more) break;
        assert.equal(rows.length, 3);
      }
      assert.deepEqual(
        seen,
        Array.from({ length: 7 }, (_, i) => `${me.id}_1_${start + i * DAY}`),
      );
    });

    it('refuses a cursor issued for another course or another user, and one without its id', async () => {
      const me = await account(t);
      const other = await account(t);
      const day = 1714348800000;
      await record(me.id, [
        attempt(day, 'first_attempt', true),
        attempt(day, 'first_attempt', true, { scope: '2' }),
      ]);
      await record(other.id, [attempt(day, 'first_attempt', true)]);
      const cursorOf = async (who: { token: string }, course: string) => {
        const res = await call(
          'GET',
          `/users/mcq-daily/sync?course_id=${course}&sync_from_epoch_ms=0`,
          who.token,
        );
        return res.json().pagination.next_cursor as string;
      };
      const mine = await cursorOf(me, '1');
      const sync = (course: string, cursor: string, token = me.token) =>
        call(
          'GET',
          `/users/mcq-daily/sync?course_id=${course}&sync_from_epoch_ms=0&next_cursor=${encodeURIComponent(cursor)}`,
          token,
        );
      // Its own course takes it: nothing changed since.
      assert.deepEqual(success(await sync('1', mine)), []);
      // Course 2 has a change course 1's cursor has passed; taking it would skip that day.
      assert.match(refused(await sync('2', mine), 400, 1006), /next_cursor/);
      assert.match(refused(await sync('1', await cursorOf(other, '1')), 400, 1006), /next_cursor/);
      const { seq } = JSON.parse(Buffer.from(mine, 'base64').toString('utf8'));
      const seqOnly = Buffer.from(JSON.stringify({ seq })).toString('base64');
      assert.match(refused(await sync('1', seqOnly), 400, 1006), /next_cursor/);
      // Course 2 without a cursor still shows its day.
      assert.equal(
        (
          success(
            await call('GET', '/users/mcq-daily/sync?course_id=2&sync_from_epoch_ms=0', me.token),
          ) as Json[]
        ).length,
        1,
      );
    });

    it('refuses bad queries with 1006 and no token with 9401', async () => {
      const me = await account(t);
      const bad = [
        '/users/mcq-daily/sync?sync_from_epoch_ms=0',
        '/users/mcq-daily/sync?course_id=1',
        '/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=yesterday',
        '/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=-1',
        '/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=0&limit=0',
        '/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=0&limit=101',
        '/users/mcq-daily/sync?course_id=a%20b&sync_from_epoch_ms=0',
        `/users/mcq-daily/sync?course_id=${'1'.repeat(65)}&sync_from_epoch_ms=0`,
      ];
      for (const url of bad) refused(await call('GET', url, me.token), 422, 1006);
      // A cursor this API never issued.
      for (const forged of ['not-base64!', Buffer.from('{"seq":"1"}').toString('base64'), 'e30=']) {
        const res = await call(
          'GET',
          `/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=0&next_cursor=${encodeURIComponent(forged)}`,
          me.token,
        );
        assert.match(refused(res, 400, 1006), /next_cursor/);
      }
      refused(await call('GET', '/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=0'), 401, 9401);
      refused(
        await call('GET', '/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=0', 'not-a-token'),
        401,
        9401,
      );
    });
  });

  describe('PATCH /users/info', () => {
    it('answers the sample with the full user details; strings stripped, siblings kept', async () => {
      const me = await account(t);
      const data = success(
        await call('PATCH', '/users/info', me.token, {
          name: { first_name: '  John ', last_name: 'Doe' },
          background_info: ' Engineering graduate, preparing for UPSC ',
          attempt_number: 2,
          attempt_year: 2026,
          unknown_field: 'ignored, as the seed’s framework does',
        }),
      );
      assert.equal(data.id, me.id);
      assert.deepEqual(data.name, { first_name: 'John', last_name: 'Doe' });
      assert.equal(data.background_info, 'Engineering graduate, preparing for UPSC');
      assert.equal(data.attempt_number, 2);
      assert.equal(data.attempt_year, 2026);
      assert.equal(data.email, me.email);
      assert.equal(data.is_email_validated, true);
      assert.equal(data.phone_number, null);
      assert.equal(data.is_phone_validated, false);
      assert.equal(typeof data.created_at, 'number');
      assert.equal(typeof data.updated_at, 'number');
      for (const key of ['password', 'passwordHash', 'password_hash'])
        assert.ok(!(key in data), `no ${key} in the details`);

      // Only what is given changes: null and absent keep.
      const next = success(
        await call('PATCH', '/users/info', me.token, { attempt_year: 2027, background_info: null }),
      );
      assert.deepEqual(next.name, { first_name: 'John', last_name: 'Doe' });
      assert.equal(next.background_info, 'Engineering graduate, preparing for UPSC');
      assert.equal(next.attempt_number, 2);
      assert.equal(next.attempt_year, 2027);
      // The native profile holds the same facts.
      const native = (await call('GET', '/v1/me', me.token)).json();
      assert.equal(native.name.first, 'John');
      assert.equal(native.custom.attemptYear, 2027);
    });

    it('refuses an empty update and each broken constraint with 1006, changing nothing', async () => {
      const me = await account(t);
      success(await call('PATCH', '/users/info', me.token, { attempt_number: 3 }));
      const bad: Json[] = [
        {},
        { name: null, background_info: null, attempt_number: null, attempt_year: null },
        { name: {} },
        { background_info: 'x'.repeat(1001) },
        { background_info: 'tab\u0000null' },
        { attempt_number: 0 },
        { attempt_number: 1.5 },
        { attempt_number: '2' },
        { attempt_year: 1899 },
        { attempt_year: 2101 },
        { name: { first_name: 'x'.repeat(101) } },
        { name: 'John Doe' },
      ];
      for (const body of bad) refused(await call('PATCH', '/users/info', me.token, body), 422, 1006);
      const message = refused(
        await call('PATCH', '/users/info', me.token, { attempt_year: 2101 }),
        422,
        1006,
      );
      assert.match(message, /attempt_year/);
      refused(
        await request(t, 'PATCH', '/users/info', {
          token: me.token,
          body: '{"attempt_number":',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        1006,
      );
      const after = success(await call('PATCH', '/users/info', me.token, { attempt_year: 2030 }));
      assert.equal(after.attempt_number, 3);
      assert.equal(after.background_info, null);
    });
  });

  describe('POST /users/profile-picture', () => {
    const upload = (token: string, bytes: Buffer, filename = 'me.jpg', type = 'image/jpeg') => {
      const boundary = `----roster${randomBytes(6).toString('hex')}`;
      const body = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`,
        ),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return request(t, 'POST', '/users/profile-picture', {
        token,
        body,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      });
    };

    it('takes JPEG, PNG and WEBP and answers the sample’s shape', async () => {
      const me = await account(t);
      for (const [bytes, name] of [
        [await jpeg(800, 600), 'me.jpg'],
        [await png(300, 500), 'me.png'],
        [await webp(640, 480), 'me.webp'],
      ] as const) {
        const data = success(await upload(me.token, bytes, name));
        assert.deepEqual(Object.keys(data).sort(), ['aspect_ratio', 'filename', 'height', 'width']);
        assert.equal(data.width, 400);
        assert.equal(data.height, 400);
        assert.equal(data.aspect_ratio, '1:1');
        assert.match(data.filename, /^[0-9a-f-]{36}-400\.webp$/);
        const details = (await call('GET', '/v1/me', me.token)).json();
        assert.ok(details.avatarUrl.endsWith(`/${data.filename}`), 'the picture is the avatar now');
      }
    });

    it('refuses other formats (9415) and other bodies, keeping the picture', async () => {
      const me = await account(t);
      const first = success(await upload(me.token, await png(), 'me.png'));
      refused(await upload(me.token, await gif(2), 'me.gif', 'image/gif'), 415, 9415);
      // A GIF named .jpg is still a GIF.
      refused(await upload(me.token, await gif(2), 'me.jpg', 'image/jpeg'), 415, 9415);
      refused(await upload(me.token, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), 415, 9415);
      refused(await call('POST', '/users/profile-picture', me.token, { file: 'x' }), 415, 9415);
      refused(await upload('not-a-token', await png()), 401, 9401);
      // One byte over ROSTER_AVATAR_MAX_BYTES (10 MiB): refused before it is read as an image.
      const huge = Buffer.concat([await png(), Buffer.alloc(10 * 1024 * 1024)]);
      refused(await upload(me.token, huge, 'me.png', 'image/png'), 413, 9413);
      const avatar = (await call('GET', '/v1/me', me.token)).json().avatarUrl as string;
      assert.ok(avatar.endsWith(`/${first.filename}`));
    });
  });

  describe('phone OTP', () => {
    const send = (token: string, value: string, code = '+91') =>
      call('POST', '/users/send-phone-otp', token, { phone_number: { code, value } });
    const verify = (token: string, value: string, otp: string, oti: string) =>
      call('POST', '/users/verify-phone-otp', token, { phone_number: { code: '+91', value }, otp, oti });

    it('sends and verifies as the samples show, linking the number as validated', async () => {
      const me = await account(t);
      const value = indianNumber();
      const sent = success(await send(me.token, value));
      assert.equal(sent.message, 'OTP sent successfully');
      assert.equal(sent.expiry_time, clock.now().getTime() + 5 * 60_000);
      assert.match(sent.oti, /^[0-9a-f-]{36}$/);
      const otp = await readCode(`+91${value}`);
      const details = success(await verify(me.token, value, otp, sent.oti));
      assert.equal(details.id, me.id);
      assert.deepEqual(details.phone_number, { code: '+91', value });
      assert.equal(details.is_phone_validated, true);
      // The number is the account's now: verifying it again is a 3709.
      refused(await verify(me.token, value, otp, sent.oti), 409, 3709);
    });

    it('answers 2002, 2003 and 2008 for a wrong code, an expired one and a spent oti', async () => {
      const me = await account(t);
      const value = indianNumber();
      const sent = success(await send(me.token, value));
      const otp = await readCode(`+91${value}`);
      const wrong = String((Number(otp) + 1) % 1_000_000).padStart(6, '0');
      refused(await verify(me.token, value, wrong, sent.oti), 422, 2002);
      refused(await verify(me.token, value, otp, '01a23555-ec71-7108-ad72-6a4af40f1c00'), 422, 2008);
      // Another user's oti is no oti of theirs.
      const other = await account(t);
      refused(await verify(other.token, value, otp, sent.oti), 422, 2008);
      // Five minutes later the code has expired; a fresh sign-in does not revive it.
      await clock.tick(5 * 60_000 + 1);
      const fresh = await session(t, me.email);
      refused(await verify(fresh.accessToken, value, otp, sent.oti), 422, 2003);
      // A new code works, and its oti is spent by the link.
      await clock.tick(31_000);
      const again = success(await send(fresh.accessToken, value));
      const code = await readCode(`+91${value}`);
      success(await verify(fresh.accessToken, value, code, again.oti));
      const other2 = indianNumber();
      await clock.tick(31_000);
      success(await send(fresh.accessToken, other2));
      const thirdCode = await readCode(`+91${other2}`);
      // The spent oti of the earlier code: single use.
      refused(await verify(fresh.accessToken, other2, thirdCode, again.oti), 422, 2008);
    });

    it('answers 2003 once the code’s five tries are used, even for the right code', async () => {
      const me = await account(t);
      const value = indianNumber();
      const sent = success(await send(me.token, value));
      const otp = await readCode(`+91${value}`);
      const wrong = String((Number(otp) + 1) % 1_000_000).padStart(6, '0');
      for (let i = 0; i < 5; i++) refused(await verify(me.token, value, wrong, sent.oti), 422, 2002);
      refused(await verify(me.token, value, otp, sent.oti), 422, 2003);
      assert.equal((await call('GET', '/v1/me', me.token)).json().phone, null);
    });

    it('answers 3708 when another account took the number before the code came back, linking nothing', async () => {
      const me = await account(t);
      const value = indianNumber();
      const sent = success(await send(me.token, value));
      const otp = await readCode(`+91${value}`);
      // Meanwhile the number signs up by SMS on its own (native phone sign-in makes its account).
      await clock.tick(31_000);
      const phone = `+91${value}`;
      const { oti } = (await request(t, 'POST', '/v1/phone/otp', { body: { phone } })).json();
      const signIn = await request(t, 'POST', '/v1/phone/otp/verify', {
        body: { phone, oti, code: await readCode(phone) },
      });
      assert.equal(signIn.json().created, true, signIn.body);
      refused(await verify(me.token, value, otp, sent.oti), 409, 3708);
      assert.equal((await call('GET', '/v1/me', me.token)).json().phone, null);
    });

    it('answers 9429 with Retry-After for a second code to the number within 30 s', async () => {
      const me = await account(t);
      const value = indianNumber();
      success(await send(me.token, value));
      await readCode(`+91${value}`);
      const res = await send(me.token, value);
      refused(res, 429, 9429);
      assert.ok(Number(res.headers['retry-after']) >= 1 && Number(res.headers['retry-after']) <= 30);
    });

    it('answers 3708 for a number another account verified and 3709 for the account’s own', async () => {
      const holder = await account(t);
      const value = indianNumber();
      const sent = success(await send(holder.token, value));
      success(await verify(holder.token, value, await readCode(`+91${value}`), sent.oti));
      const other = await account(t);
      refused(await send(other.token, value), 409, 3708);
      await clock.tick(31_000);
      refused(await send(holder.token, value), 409, 3709);
    });

    it('links a number only within minutes of a full sign-in (9441 after), changing nothing', async () => {
      const me = await account(t);
      await clock.tick(4 * 60_000);
      const value = indianNumber();
      const sent = success(await send(me.token, value));
      const otp = await readCode(`+91${value}`);
      // The code is 90 s old and good; the sign-in is 5.5 minutes old (ROSTER_REAUTH_MAX_AGE is 5).
      await clock.tick(90_000);
      refused(await verify(me.token, value, otp, sent.oti), 403, 9441);
      const details = (await call('GET', '/v1/me', me.token)).json();
      assert.equal(details.phone, null);
    });

    it('refuses what the document rules out with 1006', async () => {
      const me = await account(t);
      for (const [value, code] of [
        ['9876543210', '+1'],
        ['9876543210', '91'],
        ['987654321', '+91'],
        ['9'.repeat(16), '+91'],
        ['98765 43210', '+91'],
        ['98765abcde', '+91'],
      ] as const)
        refused(await send(me.token, value, code), 422, 1006);
      refused(
        await call('POST', '/users/send-phone-otp', me.token, { phone_number: '+919876543210' }),
        422,
        1006,
      );
      // 15 digits pass the document's rule but are no Indian mobile number.
      refused(await send(me.token, '9'.repeat(15)), 422, 1006);
      const value = indianNumber();
      for (const body of [
        { phone_number: { code: '+91', value }, otp: '12345', oti: '01a23555-ec71-7108-ad72-6a4af40f1c00' },
        { phone_number: { code: '+91', value }, otp: '1234567', oti: '01a23555-ec71-7108-ad72-6a4af40f1c00' },
        { phone_number: { code: '+91', value }, otp: '123456', oti: 'not-an-oti' },
        { phone_number: { code: '+91', value }, otp: '123456' },
        { otp: '123456', oti: '01a23555-ec71-7108-ad72-6a4af40f1c00' },
      ])
        refused(await call('POST', '/users/verify-phone-otp', me.token, body), 422, 1006);
    });
  });

  describe('POST /users/report', () => {
    it('answers the sample and files the report in the native queue as an mcq of the course', async () => {
      const me = await account(t);
      const body = {
        content_id: '60d5ec49f1b2c72e4c8b4567',
        content_short_uid: 'M01234',
        content_type: 2,
        issue_type: 1,
        comments:
          'The correct answer for this question should be option_2, not option_3. The explanation references the wrong article.',
      };
      const data = success(await call('POST', '/users/report?course_id=1', me.token, body));
      assert.equal(data.message, DONE);
      assert.match(data.id, /^[0-9a-f-]{36}$/);
      // A retry answers the open report.
      assert.equal(success(await call('POST', '/users/report?course_id=1', me.token, body)).id, data.id);
      const docket = success(
        await call('POST', '/users/report?course_id=1', me.token, {
          ...body,
          content_type: 1,
          issue_type: undefined,
        }),
      );

      const admin = await account(t);
      await makeAdmin(t, admin.id);
      const staff = await session(t, admin.email);
      const queue = (await call('GET', '/v1/admin/reports?status=open', staff.accessToken)).json();
      const mine = queue.items.filter((r: Json) => r.reporterId === me.id);
      const byId = Object.fromEntries(mine.map((r: Json) => [r.id, r]));
      assert.deepEqual(byId[data.id].subject, { type: 'mcq', id: body.content_id, shortId: 'M01234' });
      assert.deepEqual(byId[data.id].context, { type: 'course', id: '1' });
      assert.equal(byId[data.id].issueType, 'issue-1');
      assert.equal(byId[data.id].comments, body.comments);
      assert.equal(byId[docket.id].subject.type, 'docket');
      assert.equal(byId[docket.id].issueType, 'issue-1', 'issue_type defaults to 1');
    });

    it('refuses a report the document rules out with 1006, filing nothing', async () => {
      const me = await account(t);
      const good = { content_id: 'abc', content_type: 2, comments: 'wrong answer' };
      for (const [query, body] of [
        ['', good],
        ['?course_id=', good],
        ['?course_id=1', { ...good, content_type: 3 }],
        ['?course_id=1', { ...good, content_type: '2' }],
        ['?course_id=1', { ...good, comments: undefined }],
        ['?course_id=1', { ...good, comments: '' }],
        ['?course_id=1', { ...good, comments: 'x'.repeat(2001) }],
        ['?course_id=1', { ...good, content_id: '' }],
        ['?course_id=1', { ...good, content_id: 'x'.repeat(129) }],
        ['?course_id=1', { ...good, issue_type: 0 }],
        ['?course_id=1', { ...good, content_short_uid: 'x'.repeat(65) }],
      ] as const)
        refused(await call('POST', `/users/report${query}`, me.token, body), 422, 1006);
      const count = await t.db.database.db
        .selectFrom('reports')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('reporter_id', '=', me.id)
        .executeTakeFirstOrThrow();
      assert.equal(Number(count.n), 0);
    });
  });

  describe('DELETE /users', () => {
    it('answers the sample, erases the account and ends every session', async () => {
      const me = await account(t);
      const other = await session(t, me.email);
      const data = success(await call('DELETE', '/users', me.token));
      assert.deepEqual(data, { id: me.id, message: DONE });
      refused(await call('PATCH', '/users/info', me.token, { attempt_number: 1 }), 401, 9401);
      assert.equal((await call('GET', '/v1/me', other.accessToken)).statusCode, 401);
      const refresh = await request(t, 'POST', '/v1/sessions/refresh', {
        body: { refreshToken: other.refreshToken },
      });
      assert.equal(refresh.statusCode, 401);
    });

    it('needs a sign-in within the last minutes: 9441 after, the account kept', async () => {
      const me = await account(t);
      await clock.tick(5 * 60_000 + 1_000);
      const message = refused(await call('DELETE', '/users', me.token), 403, 9441);
      assert.match(message, /[Ss]ign in again/);
      assert.equal((await call('GET', '/v1/me', me.token)).statusCode, 200);
      const fresh = await session(t, me.email);
      success(await call('DELETE', '/users', fresh.accessToken));
    });
  });

  describe('the surface', () => {
    it('answers unknown paths, methods and missing tokens in its own envelope; the native API keeps problem+json', async () => {
      const me = await account(t);
      refused(await call('GET', '/users/unknown', me.token), 404, 9404);
      refused(await request(t, 'PUT', '/users/info', { token: me.token }), 404, 9404);
      refused(await call('DELETE', '/users'), 401, 9401);
      refused(await request(t, 'GET', '/users/%E0%A4%A', { token: me.token }), 400, 1006);
      const native = await call('GET', '/v1/nothing', me.token);
      assert.equal(native.statusCode, 404);
      assert.match(String(native.headers['content-type']), /^application\/problem\+json/);
    });

    it('keeps problem+json for native paths that only begin like its prefix', async () => {
      const me = await account(t);
      for (const url of ['/usersX', '/users-info', '/usersinfo/1']) {
        const res = await call('GET', url, me.token);
        assert.equal(res.statusCode, 404, url);
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/, url);
      }
      const malformed = await call('GET', '/usersX/%E0%A4%A', me.token);
      assert.equal(malformed.statusCode, 400);
      assert.match(String(malformed.headers['content-type']), /^application\/problem\+json/);
      // The prefix itself is the surface's: DELETE is a route, GET is not.
      refused(await call('GET', '/users', me.token), 404, 9404);
    });

    it('answers 9403 to a service key, which cannot act as a user', async () => {
      refused(await call('PATCH', '/users/info', serviceKey, { attempt_number: 1 }), 403, 9403);
      refused(
        await call('GET', '/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=0', serviceKey),
        403,
        9403,
      );
    });

    it('validates x-dev-time on every route and never lets it set the time outside development', async () => {
      const me = await account(t);
      const bad = ['171440000000', '17144000000000', 'now', '1714400000000.5'];
      for (const value of bad) {
        const res = await request(t, 'PATCH', '/users/info', {
          token: me.token,
          body: { attempt_number: 1 },
          headers: { 'x-dev-time': value },
        });
        assert.match(refused(res, 422, 1006), /x-dev-time/);
      }
      // Every route checks it, before anything else runs (nothing is deleted here).
      const routes = [
        ['GET', '/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=0'],
        ['DELETE', '/users'],
        ['POST', '/users/profile-picture'],
        ['POST', '/users/send-phone-otp'],
        ['POST', '/users/verify-phone-otp'],
        ['POST', '/users/report?course_id=1'],
      ] as const;
      for (const [method, url] of routes) {
        const res = await request(t, method, url, {
          token: me.token,
          body: {},
          headers: { 'x-dev-time': 'now' },
        });
        assert.match(refused(res, 422, 1006), /x-dev-time/, `${method} ${url}`);
      }
      assert.equal((await call('GET', '/v1/me', me.token)).statusCode, 200);
      // A well-formed header in this (test) environment changes nothing about time.
      const value = indianNumber();
      const res = await request(t, 'POST', '/users/send-phone-otp', {
        token: me.token,
        body: { phone_number: { code: '+91', value } },
        headers: { 'x-dev-time': String(clock.now().getTime() + 365 * DAY) },
      });
      assert.equal(success(res).expiry_time, clock.now().getTime() + 5 * 60_000);
      await readCode(`+91${value}`);
    });

    it('lists every route under its tag in the OpenAPI document', async () => {
      const doc = (await request(t, 'GET', '/openapi.json')).json();
      const routes = [
        ['get', '/users/mcq-daily/sync'],
        ['delete', '/users'],
        ['patch', '/users/info'],
        ['post', '/users/profile-picture'],
        ['post', '/users/send-phone-otp'],
        ['post', '/users/verify-phone-otp'],
        ['post', '/users/report'],
      ];
      for (const [method, path] of routes) {
        const op = doc.paths[path!]?.[method!];
        assert.ok(op, `${method} ${path} is documented`);
        assert.deepEqual(op.tags, ['seed 004']);
        assert.ok(op.responses['200'] && op.responses['4XX'], `${path}: success and refusal shapes`);
        assert.ok(
          op.parameters.some((p: Json) => p.in === 'header' && p.name === 'x-dev-time'),
          `${path}: x-dev-time`,
        );
      }
      assert.ok(doc.tags.some((tag: Json) => tag.name === 'seed 004'));
    });
  });
});

describe(`seed 004 options (${testDialect})`, () => {
  it('encrypts data with the operator’s key in the documented format; refusals stay clear', async () => {
    const key = randomBytes(32);
    const t = await buildTestApp({
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', ROSTER_COMPAT_004_DATA_KEY: key.toString('base64') },
    });
    try {
      const me = await account(t);
      const res = await request(t, 'PATCH', '/users/info', { token: me.token, body: { attempt_number: 4 } });
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.status, 'success');
      assert.equal(body.is_data_encrypted, 1);
      assert.equal(typeof body.data, 'string');
      // docs/compat/004.md: base64 of nonce (12) ‖ ciphertext ‖ tag (16), AES-256-GCM, JSON inside.
      const bytes = Buffer.from(body.data, 'base64');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      const plain = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
      const data = JSON.parse(plain.toString('utf8'));
      assert.equal(data.id, me.id);
      assert.equal(data.attempt_number, 4);
      // Each reply has its own nonce.
      const second = (
        await request(t, 'PATCH', '/users/info', { token: me.token, body: { attempt_number: 4 } })
      ).json();
      assert.notEqual(second.data.slice(0, 16), body.data.slice(0, 16));
      // The sync keeps its pagination in clear.
      const sync = (
        await request(t, 'GET', '/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=0', { token: me.token })
      ).json();
      assert.equal(sync.is_data_encrypted, 1);
      assert.equal(sync.pagination.has_more, false);
      refused(await request(t, 'PATCH', '/users/info', { token: me.token, body: {} }), 422, 1006);
    } finally {
      await t.close();
    }
  });

  it('lets x-dev-time set the request’s time in development when the operator allows it', async () => {
    const sms = await startSmsWebhook();
    const t = await buildTestApp({
      env: {
        ROSTER_ENV: 'development',
        ROSTER_DEV_TIME_HEADER: 'true',
        ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false',
        SMS_TRANSPORT: 'webhook',
        SMS_WEBHOOK_URL: sms.url,
      },
    });
    try {
      const me = await account(t);
      const at = Date.now() + 60_000;
      const res = await request(t, 'POST', '/users/send-phone-otp', {
        token: me.token,
        body: { phone_number: { code: '+91', value: indianNumber() } },
        headers: { 'x-dev-time': String(at) },
      });
      assert.equal(success(res).expiry_time, at + 5 * 60_000);
      // The header holds for its own request only: the next one, without it, runs at the real time.
      const before = Date.now();
      const next = await request(t, 'POST', '/users/send-phone-otp', {
        token: me.token,
        body: { phone_number: { code: '+91', value: indianNumber() } },
      });
      const expiry = success(next).expiry_time as number;
      assert.ok(expiry >= before + 5 * 60_000 && expiry <= Date.now() + 5 * 60_000, String(expiry));
    } finally {
      await t.close();
      await sms.close();
    }
  });

  it('is not served when ROSTER_COMPAT leaves it out', async () => {
    const t = await buildTestApp({
      env: { ROSTER_COMPAT: 'none', ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' },
    });
    try {
      const me = await account(t);
      const res = await request(t, 'PATCH', '/users/info', { token: me.token, body: { attempt_number: 1 } });
      assert.equal(res.statusCode, 404);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const doc = (await request(t, 'GET', '/openapi.json')).json();
      assert.ok(!('/users/info' in doc.paths));
    } finally {
      await t.close();
    }
  });
});
