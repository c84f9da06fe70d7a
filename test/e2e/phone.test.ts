// Phone sign-in and linking over HTTP, with SMS delivered to a local webhook.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { testDialect } from '../helpers/dialect.ts';
import { assertProblem, type Flow, startFlow } from '../helpers/flow.ts';
import { freshPhone, smsCodeReader } from '../helpers/phones.ts';
import { startSmsWebhook, type TestSmsWebhook } from '../helpers/sms-webhook.ts';

// Moves only when told, so the per-number send cooldown can be passed without waiting.
const clock = new ManualClock(new Date());

describe(`phone sign-in and linking (${testDialect})`, () => {
  let flow: Flow;
  let sms: TestSmsWebhook;
  let readCode: (phone: string) => Promise<string>;
  before(async () => {
    sms = await startSmsWebhook();
    readCode = smsCodeReader(sms);
    flow = await startFlow({ clock, env: { SMS_TRANSPORT: 'webhook', SMS_WEBHOOK_URL: sms.url } });
  });
  after(async () => {
    await flow.close();
    await sms.close();
  });

  const codeFor = (phone: string) => readCode(phone);
  const requestCode = (phone: string) => flow.call('POST', '/v1/phone/otp', { body: { phone } });
  const verify = (phone: string, oti: string, code: string) =>
    flow.call('POST', '/v1/phone/otp/verify', { body: { phone, oti, code } });

  it('signs in twice: created true, then false; formatted numbers are one number', async () => {
    const phone = freshPhone();
    const sent = await requestCode(phone.typed);
    assert.equal(sent.status, 202);
    assert.match(sent.body.oti, /^[0-9a-f-]{36}$/);
    assert.ok(new Date(sent.body.expiresAt) > new Date());
    assert.doesNotMatch(JSON.stringify(sent.body), /\b\d{6}\b/, 'the code is never in a reply');
    const first = await verify(phone.e164, sent.body.oti, await codeFor(phone.e164));
    assert.equal(first.status, 200);
    assert.equal(first.body.created, true);
    assert.equal(first.body.user.phone, phone.e164);
    assert.equal(first.body.user.phoneVerified, true);
    assert.equal(first.body.user.email, null);

    clock.advance(61_000); // past the per-number cooldown (a sliding window: up to two windows)
    const second = await requestCode(phone.e164.replace('+49', '+49 '));
    assert.equal(second.status, 202);
    const again = await verify(phone.e164, second.body.oti, await codeFor(phone.e164));
    assert.equal(again.status, 200);
    assert.equal(again.body.created, false);
    assert.equal(again.body.user.id, first.body.user.id);
  });

  it('a second code for the same number waits out the 30 s cooldown; repeated sends hit 429', async () => {
    const phone = freshPhone();
    assert.equal((await requestCode(phone.e164)).status, 202);
    const again = await requestCode(phone.typed);
    assertProblem(again, 429, 'rate_limited');
    assert.equal(again.headers['retry-after'], '30', 'the whole cooldown is left: the clock has not moved');
  });

  it('refuses a wrong code, a foreign oti, and a code used once already', async () => {
    const a = freshPhone();
    const b = freshPhone();
    const sentA = await requestCode(a.e164);
    const sentB = await requestCode(b.e164);
    const codeA = await codeFor(a.e164);
    const codeB = await codeFor(b.e164);
    const wrong = String((Number(codeA) + 1) % 1_000_000).padStart(6, '0');
    assertProblem(await verify(a.e164, sentA.body.oti, wrong), 422, 'invalid_code');
    assertProblem(await verify(a.e164, sentB.body.oti, codeB), 422, 'invalid_code');
    const ok = await verify(a.e164, sentA.body.oti, codeA);
    assert.equal(ok.status, 200);
    assertProblem(await verify(a.e164, sentA.body.oti, codeA), 422, 'invalid_code');
    assert.equal((await verify(b.e164, sentB.body.oti, codeB)).status, 200);
  });

  it('wrong guesses kill the code, even for the right value afterwards', async () => {
    const phone = freshPhone();
    const sent = await requestCode(phone.e164);
    const code = await codeFor(phone.e164);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 10; i++)
      assertProblem(await verify(phone.e164, sent.body.oti, wrong), 422, 'invalid_code');
    assertProblem(await verify(phone.e164, sent.body.oti, code), 422, 'invalid_code');
  });

  it('a right code sent twice at once signs in once', async () => {
    const phone = freshPhone();
    const sent = await requestCode(phone.e164);
    const code = await codeFor(phone.e164);
    const replies = await Promise.all([1, 2, 3].map(() => verify(phone.e164, sent.body.oti, code)));
    assert.deepEqual(replies.map((r) => r.status).sort(), [200, 422, 422]);
  });

  it('invalid numbers are a 422 on phone', async () => {
    assertProblem(await requestCode('+49 12'), 422, 'validation_failed');
    assertProblem(await requestCode('0151 2345678'), 422, 'validation_failed');
  });

  it('links a number to a signed-in account; a number verified elsewhere is a 409', async () => {
    const account = await flow.verifiedAccount();
    const { accessToken: token } = await flow.login(account.email, account.password);
    const phone = freshPhone();
    const sent = await flow.call('POST', '/v1/me/phone', { token, body: { phone: phone.typed } });
    assert.equal(sent.status, 202);
    const linked = await flow.call('POST', '/v1/me/phone/verify', {
      token,
      body: {
        phone: phone.e164,
        oti: sent.body.oti,
        code: await codeFor(phone.e164),
        currentPassword: account.password,
      },
    });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    assert.equal(linked.body.phone, phone.e164);
    assert.equal(linked.body.phoneVerified, true);
    // The number now signs in to this account.
    clock.advance(61_000);
    const signIn = await requestCode(phone.e164);
    assert.equal(signIn.status, 202);
    const viaPhone = await verify(phone.e164, signIn.body.oti, await codeFor(phone.e164));
    assert.equal(viaPhone.body.created, false);
    assert.equal(viaPhone.body.user.id, account.id);

    const other = await flow.verifiedAccount();
    const otherToken = (await flow.login(other.email, other.password)).accessToken;
    assertProblem(
      await flow.call('POST', '/v1/me/phone', { token: otherToken, body: { phone: phone.e164 } }),
      409,
      'phone_taken',
    );
  });

  it('a number allows 100 failed codes a day; new codes do not reset the count', async () => {
    const phone = freshPhone();
    for (let round = 0; round < 20; round++) {
      clock.advance(25 * 60_000); // past the per-number send limits
      const sent = await requestCode(phone.e164);
      assert.equal(sent.status, 202, `round ${round}`);
      const code = await codeFor(phone.e164);
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      for (let i = 0; i < 5; i++) await verify(phone.e164, sent.body.oti, wrong);
    }
    clock.advance(25 * 60_000);
    assertProblem(await requestCode(phone.e164), 429, 'rate_limited');
  });

  it('an account without a password deletes itself with an SMS code to its own number', async () => {
    const phone = freshPhone();
    clock.advance(61_000);
    const sent = await requestCode(phone.e164);
    const signedIn = await verify(phone.e164, sent.body.oti, await codeFor(phone.e164));
    const token = signedIn.body.accessToken as string;
    assertProblem(await flow.call('DELETE', '/v1/me', { token, body: {} }), 422, 'validation_failed');
    assertProblem(
      await flow.call('DELETE', '/v1/me', { token, body: { password: 'no password here' } }),
      422,
      'validation_failed',
    );
    clock.advance(61_000);
    const confirm = await flow.call('POST', '/v1/me/phone', { token, body: { phone: phone.e164 } });
    assert.equal(confirm.status, 202);
    const code = await codeFor(phone.e164);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    assertProblem(
      await flow.call('DELETE', '/v1/me', { token, body: { code: wrong, oti: confirm.body.oti } }),
      422,
      'invalid_code',
    );
    assert.equal(
      (await flow.call('DELETE', '/v1/me', { token, body: { code, oti: confirm.body.oti } })).status,
      204,
    );
    assertProblem(await flow.call('GET', '/v1/me', { token }), 401, 'invalid_token');
    // The number is free: it signs up anew.
    clock.advance(61_000);
    const again = await requestCode(phone.e164);
    const fresh = await verify(phone.e164, again.body.oti, await codeFor(phone.e164));
    assert.equal(fresh.body.created, true);
    assert.notEqual(fresh.body.user.id, signedIn.body.user.id);
  });

  it('made-up one-time ids cost the number nothing', async () => {
    const phone = freshPhone();
    for (let i = 0; i < 110; i++) {
      assertProblem(await verify(phone.e164, crypto.randomUUID(), '123456'), 422, 'invalid_code');
    }
    clock.advance(61_000);
    assert.equal((await requestCode(phone.e164)).status, 202, 'the number is not locked out');
  });

  it('linking or replacing a number needs the password; replacing ends the other sessions; both are mailed', async () => {
    const account = await flow.verifiedAccount();
    const main = await flow.login(account.email, account.password);
    const other = await flow.login(account.email, account.password);
    const link = async (phone: string, extra: Record<string, string> = {}) => {
      clock.advance(61_000);
      const sent = await flow.call('POST', '/v1/me/phone', { token: main.accessToken, body: { phone } });
      assert.equal(sent.status, 202);
      return flow.call('POST', '/v1/me/phone/verify', {
        token: main.accessToken,
        body: { phone, oti: sent.body.oti, code: await codeFor(phone), ...extra },
      });
    };
    const first = freshPhone();
    assertProblem(await link(first.e164), 403, 'reauthentication_required');
    assert.equal((await link(first.e164, { currentPassword: account.password })).status, 200);
    await flow.takeMail(account.email, /sign-in security changed/);
    const second = freshPhone();
    assertProblem(await link(second.e164), 403, 'reauthentication_required');
    assertProblem(await link(second.e164, { currentPassword: 'not my password' }), 403, 'invalid_password');
    const replaced = await link(second.e164, { currentPassword: account.password });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.phone, second.e164);
    await flow.takeMail(account.email, /sign-in security changed/);
    assertProblem(await flow.call('GET', '/v1/me', { token: other.accessToken }), 401, 'invalid_token');
    assert.equal((await flow.call('GET', '/v1/me', { token: main.accessToken })).status, 200);
  });
});
