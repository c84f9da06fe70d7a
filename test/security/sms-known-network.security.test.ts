// A flood from many networks cannot close SMS sign-in to a number's owner: a
// network the owner has entered a right code from keeps its own count of
// wrong codes (NIST's 100 a day) and is not held back by the per-number budget
// that every other network shares. Strangers stay bound by both.
// Client addresses come from X-Forwarded-For, believed from TRUST_PROXY.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { createRateLimiter } from '../../src/platform/rate-limit/rate-limiter.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertRateLimited, post } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { freshPhone, smsCodeReader } from '../helpers/phones.ts';
import { startSmsWebhook, type TestSmsWebhook } from '../helpers/sms-webhook.ts';

const HOME = '198.51.100.20';
/** The n-th attacker network: one IPv6 /64 each. */
const attacker = (n: number) => `2001:db8:${n.toString(16)}::1`;

describe(`SMS sign-in from the owner's own network (${testDialect})`, () => {
  // A fixed start, at a whole hour: the limits' sliding windows weigh the hour before by how much of
  // the current one has passed, so a run that began at another time would meet other weights.
  const clock = new ManualClock('2026-06-01T10:00:00.000Z');
  let t: TestApp;
  let sms: TestSmsWebhook;
  let codeFor: (phone: string) => Promise<string>;
  before(async () => {
    sms = await startSmsWebhook();
    codeFor = smsCodeReader(sms);
    t = await buildTestApp({
      clock,
      overrides: { rateLimiter: createRateLimiter({ clock }) },
      env: { TRUST_PROXY: 'loopback', SMS_TRANSPORT: 'webhook', SMS_WEBHOOK_URL: sms.url },
    });
  });
  after(async () => {
    await t.close();
    await sms.close();
  });

  const send = (ip: string, phone: string) => post(t, '/v1/phone/otp', { phone }, { 'x-forwarded-for': ip });
  const verify = (ip: string, phone: string, oti: string, code: string) =>
    post(t, '/v1/phone/otp/verify', { phone, oti, code }, { 'x-forwarded-for': ip });
  async function signIn(ip: string, phone: string): Promise<number> {
    const sent = await send(ip, phone);
    assert.equal(sent.statusCode, 202, sent.body);
    return (await verify(ip, phone, sent.json().oti, await codeFor(phone))).statusCode;
  }

  it('100 wrong codes from 20 networks close the number to strangers, not to its owner', async () => {
    const { e164: phone } = freshPhone();
    assert.equal(await signIn(HOME, phone), 200, 'the owner signs in once from home');
    // Twenty codes from twenty networks, over three hours (the number's hourly budget, twice), five wrong tries each.
    for (let n = 1; n <= 20; n++) {
      // Two hours on: the sliding hour still weighs the hour before, two back it does not.
      if (n === 11) clock.advance(2 * 3600_000);
      const sent = await send(attacker(n), phone);
      assert.equal(sent.statusCode, 202, sent.body);
      await codeFor(phone);
      for (let i = 0; i < 5; i++) await verify(attacker(n), phone, sent.json().oti, '000000');
    }
    clock.advance(31_000);
    assertRateLimited(await send(attacker(99), phone)); // a stranger is refused for the day
    assert.equal(await signIn(HOME, phone), 200, 'the owner still gets a code and signs in');
  });

  it('the per-number budget that strangers share does not hold back the owner', async () => {
    const { e164: phone } = freshPhone();
    assert.equal(await signIn(HOME, phone), 200);
    // Strangers' networks send until the number's shared budget (its hard ceiling) refuses them.
    let sends = 0;
    for (let n = 1; n <= 30; n++) {
      const sent = await send(attacker(100 + n), phone);
      if (sent.statusCode !== 202) break;
      sends++;
      await codeFor(phone);
    }
    assert.ok(sends >= 10 && sends < 30, `strangers sent ${sends} before the budget stopped them`);
    assertRateLimited(await send(attacker(199), phone));
    clock.advance(31_000);
    assert.equal(await signIn(HOME, phone), 200);
  });
});
