// The 202 of a code request says when the next send is allowed, and means it:
// once a send spends the hour's quota (per number and network, or the
// client's per-address limit), `retryAfter`/`nextSendAt` give the moment that
// quota allows one more, not the 30 s cooldown.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SENDS_PER_IP, SENDS_PER_PHONE_PER_NETWORK } from '../../src/modules/phone/phone.limits.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createRateLimiter } from '../../src/platform/rate-limit/rate-limiter.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertRateLimited, post, type Reply } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { freshPhone } from '../helpers/phones.ts';

const HOUR = 3600_000;

describe(`the 202 of an SMS code request tells the real wait (${testDialect})`, () => {
  const clock = new ManualClock(new Date());
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({
      clock,
      overrides: { rateLimiter: createRateLimiter({ clock }) },
      // Per-address limits as in production (the test default scales them up).
      env: { TRUST_PROXY: 'loopback', ROSTER_RATE_LIMIT_IP_FACTOR: '1' },
    });
  });
  after(() => t.close());

  /** Each test starts at the top of an hour, two after the last: hourly windows start empty. */
  const nextHour = () => clock.advance(2 * HOUR - (clock.now().getTime() % HOUR));
  const send = (ip: string, phone: string) => post(t, '/v1/phone/otp', { phone }, { 'x-forwarded-for': ip });
  const sent = (res: Reply): { retryAfter: number; nextSendAt: string } => {
    assert.equal(res.statusCode, 202, res.body);
    return res.json();
  };
  /** Asserts the 202's promise: refused a minute before nextSendAt, sent at it. */
  async function keepsItsWord(reply: { nextSendAt: string }, ip: string, phone: string) {
    const at = new Date(reply.nextSendAt).getTime();
    clock.advance(at - 60_000 - clock.now().getTime());
    assertRateLimited(await send(ip, phone));
    clock.advance(60_000);
    sent(await send(ip, phone));
  }

  it('the send that spends the hourly quota per number and network says ~1 h, and a send then succeeds', async () => {
    nextHour();
    const phone = freshPhone().e164;
    const ip = '198.51.100.21';
    let last = { retryAfter: 0, nextSendAt: '' };
    for (let i = 1; i <= SENDS_PER_PHONE_PER_NETWORK.limit; i++) {
      last = sent(await send(ip, phone));
      if (i < SENDS_PER_PHONE_PER_NETWORK.limit) {
        assert.equal(last.retryAfter, 30, `send ${i}`);
        clock.advance(30_000);
      }
    }
    assert.ok(last.retryAfter >= 3000 && last.retryAfter <= 1.25 * 3600, `retryAfter ${last.retryAfter}`);
    assert.equal(last.nextSendAt, new Date(clock.now().getTime() + last.retryAfter * 1000).toISOString());
    // Once the cooldown is over, the refusal says what the 202 said.
    clock.advance(30_000);
    assert.ok(Math.abs(assertRateLimited(await send(ip, phone)) - (last.retryAfter - 30)) <= 1);
    await keepsItsWord(last, ip, phone);
  });

  it('the send that spends the per-address limit says so too', async () => {
    nextHour();
    const ip = '198.51.100.22';
    let last = { retryAfter: 0, nextSendAt: '' };
    for (let i = 1; i <= SENDS_PER_IP.limit; i++) last = sent(await send(ip, freshPhone().e164));
    assert.ok(last.retryAfter > 30, `retryAfter ${last.retryAfter}`);
    await keepsItsWord(last, ip, freshPhone().e164);
  });
});
