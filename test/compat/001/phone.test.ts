// Seed 001's `phone`: set by PATCH /api/v1/me it is the account's number,
// unverified, and signs in to nothing until an SMS code proves it (the native
// link); a verified number is never replaced or removed that way.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../../helpers/build-test-app.ts';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { account, type Json, type SignedUpAccount } from '../../helpers/factories.ts';
import { freshPhone, smsCodeReader } from '../../helpers/phones.ts';
import { startSmsWebhook, type TestSmsWebhook } from '../../helpers/sms-webhook.ts';
import { locs, profileOf, refusal, validationItems } from './seed-001.ts';

describe(`seed 001 phone (${testDialect})`, () => {
  let t: TestApp;
  let sms: TestSmsWebhook;
  let readCode: (phone: string) => Promise<string>;
  before(async () => {
    sms = await startSmsWebhook();
    readCode = smsCodeReader(sms);
    t = await buildTestApp({
      env: {
        ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false',
        SMS_TRANSPORT: 'webhook',
        SMS_WEBHOOK_URL: sms.url,
      },
    });
  });
  after(async () => {
    await t.close();
    await sms.close();
  });

  const me = (token: string) => request(t, 'GET', '/api/v1/me', { token });
  const patch = (token: string, body: unknown) => request(t, 'PATCH', '/api/v1/me', { token, body });

  /** Links the number natively: a code to it, then the code with the password. */
  async function prove(user: SignedUpAccount, phone: string): Promise<void> {
    const sent = await request(t, 'POST', '/v1/me/phone', { token: user.token, body: { phone } });
    assert.equal(sent.statusCode, 202, sent.body);
    const body = { phone, code: await readCode(phone), oti: sent.json().oti, currentPassword: user.password };
    const linked = await request(t, 'POST', '/v1/me/phone/verify', { token: user.token, body });
    assert.equal(linked.statusCode, 200, linked.body);
  }

  /** Signs in by SMS code with the number: the account it opens. */
  async function signInByCode(phone: string): Promise<Json> {
    const sent = await request(t, 'POST', '/v1/phone/otp', { body: { phone } });
    assert.equal(sent.statusCode, 202, sent.body);
    const body = { phone, code: await readCode(phone), oti: sent.json().oti };
    const res = await request(t, 'POST', '/v1/phone/otp/verify', { body });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  }

  it('stores the number unverified, in E.164, and it signs in to nothing', async () => {
    const user = await account(t);
    const number = freshPhone();
    const profile = profileOf(await patch(user.token, { phone: number.typed }));
    assert.deepEqual([profile.phone, profile.phone_verified], [number.e164, false]);
    // A code to the number opens another account: this one is not reached by it.
    const signedIn = await signInByCode(number.e164);
    assert.equal(signedIn.created, true);
    assert.notEqual(signedIn.user.id, user.id);
    assert.deepEqual(profileOf(await me(user.token)).phone_verified, false);
  });

  it('once a code proves it, it is verified; then PATCH keeps it, and refuses to replace or remove it', async () => {
    const user = await account(t);
    const number = freshPhone();
    profileOf(await patch(user.token, { first_name: 'Ada', phone: number.e164 }));
    await prove(user, number.e164);
    const proven = profileOf(await me(user.token));
    assert.deepEqual([proven.phone, proven.phone_verified], [number.e164, true]);
    // A client sending the whole object back (the same number, typed either way) changes nothing.
    const same = profileOf(await patch(user.token, { first_name: 'Ada', phone: number.typed }));
    assert.deepEqual([same.phone, same.phone_verified], [number.e164, true]);
    for (const phone of [freshPhone().e164, null, '']) {
      const detail = refusal(await patch(user.token, { first_name: 'Changed', phone }), 409);
      assert.match(detail, /verified/, String(phone));
    }
    const after = profileOf(await me(user.token));
    assert.deepEqual(
      [after.first_name, after.phone, after.phone_verified],
      ['Ada', number.e164, true],
      'a refused request changes nothing',
    );
    assert.deepEqual({ ...after, updated_at: same.updated_at }, same);
  });

  it('takes a number verified on another account, unverified, and tells nothing about it', async () => {
    const owner = await account(t);
    const number = freshPhone();
    await prove(owner, number.e164);
    const other = await account(t);
    const profile = profileOf(await patch(other.token, { phone: number.e164 }));
    assert.deepEqual([profile.phone, profile.phone_verified], [number.e164, false]);
    const owners = profileOf(await me(owner.token));
    assert.deepEqual([owners.phone, owners.phone_verified], [number.e164, true]);
    // Proving it is the native link, which refuses a number another account holds.
    const sent = await request(t, 'POST', '/v1/me/phone', {
      token: other.token,
      body: { phone: number.e164 },
    });
    assert.equal(sent.statusCode, 409);
  });

  it('refuses what is no phone number with a 422 on body.phone, changing nothing', async () => {
    const user = await account(t);
    const number = freshPhone();
    const before = profileOf(await patch(user.token, { phone: number.e164, locale: 'de-DE' }));
    for (const phone of ['12345', '0151 12345678', '+1 000', 'phone', '+49 151 1234 5678 9999 9999', 42]) {
      const items = validationItems(await patch(user.token, { phone, locale: 'fr-FR' }));
      assert.deepEqual(locs(items), ['body.phone'], JSON.stringify(phone));
    }
    assert.deepEqual(profileOf(await me(user.token)), before);
    // null removes an unverified number.
    assert.equal(profileOf(await patch(user.token, { phone: null })).phone, null);
  });
});
