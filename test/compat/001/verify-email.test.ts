// Seed 001's POST /api/v1/me/verify-email: sends the native verification
// mail (a code and a link) under the native limits; a verified address gets
// none, an account without an address is told so.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { account, type SignedUpAccount } from '../../helpers/factories.ts';
import { codeOf, type Flow, SUBJECT, startFlow } from '../../helpers/flow.ts';
import { freshPhone, smsCodeReader } from '../../helpers/phones.ts';
import { startSmsWebhook, type TestSmsWebhook } from '../../helpers/sms-webhook.ts';
import { messageOf, profileOf, refusal } from './seed-001.ts';

describe(`seed 001 POST /api/v1/me/verify-email (${testDialect})`, () => {
  let flow: Flow;
  let sms: TestSmsWebhook;
  before(async () => {
    sms = await startSmsWebhook();
    flow = await startFlow({
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', SMS_TRANSPORT: 'webhook', SMS_WEBHOOK_URL: sms.url },
    });
  });
  after(async () => {
    await flow.close();
    await sms.close();
  });

  const verify = (token: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(flow.t, 'POST', '/api/v1/me/verify-email', { token, body, headers });

  /** An account whose address is not verified yet (as an address changed but not yet confirmed is). */
  async function unverifiedAccount(): Promise<SignedUpAccount> {
    const user = await account(flow.t);
    await flow.t.db.database.db
      .updateTable('users')
      .set({ email_verified_at: null })
      .where('id', '=', user.id)
      .execute();
    return user;
  }

  it('mails the verification code; the code verifies the address; then no more mail is sent', async () => {
    const user = await unverifiedAccount();
    assert.equal(
      profileOf(await request(flow.t, 'GET', '/api/v1/me', { token: user.token })).email_verified,
      false,
    );
    assert.equal(messageOf(await verify(user.token)), 'Verification email sent');
    const mail = await flow.takeMail(user.email, SUBJECT.verify);
    const verified = await request(flow.t, 'POST', '/v1/accounts/verify-email', {
      body: { email: user.email, code: codeOf(mail) },
    });
    assert.equal(verified.statusCode, 200, verified.body);
    assert.equal(
      profileOf(await request(flow.t, 'GET', '/api/v1/me', { token: user.token })).email_verified,
      true,
    );
    assert.equal(messageOf(await verify(user.token)), 'Email already verified');
    assert.equal(flow.mailsTo(user.email).filter((m) => SUBJECT.verify.test(m.subject)).length, 1);
  });

  it('sends one mail a minute: the next request is a 429 with Retry-After', async () => {
    const user = await unverifiedAccount();
    assert.equal(messageOf(await verify(user.token)), 'Verification email sent');
    const again = await verify(user.token);
    refusal(again, 429);
    assert.ok(Number(again.headers['retry-after']) >= 1);
    await flow.takeMail(user.email, SUBJECT.verify);
  });

  it('takes no body, so whatever is sent is ignored, as FastAPI does', async () => {
    const user = await unverifiedAccount();
    const res = await verify(user.token, '{not json', { 'content-type': 'application/json' });
    assert.equal(messageOf(res), 'Verification email sent');
  });

  it('an account without an address (made by SMS) is a 409', async () => {
    const readCode = smsCodeReader(sms);
    const phone = freshPhone().e164;
    const sent = await request(flow.t, 'POST', '/v1/phone/otp', { body: { phone } });
    const body = { phone, code: await readCode(phone), oti: sent.json().oti };
    const { accessToken } = (await request(flow.t, 'POST', '/v1/phone/otp/verify', { body })).json();
    assert.equal(profileOf(await request(flow.t, 'GET', '/api/v1/me', { token: accessToken })).email, null);
    assert.match(refusal(await verify(accessToken), 409), /no email address/);
  });
});
