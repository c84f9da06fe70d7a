// SMS limits that cannot be turned on a victim: the caller's own limits are
// checked before anything of the number is spent, a number's cooldown and
// quota are counted per network, and the budgets shared by everyone (per
// number, for the whole service) degrade per network instead of closing.
// The cooldown is a fixed 30 s, and the 202 says when the next send is allowed.
// Client addresses come from X-Forwarded-For, believed from TRUST_PROXY.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SENDS_GLOBAL } from '../../src/modules/phone/phone.limits.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createRateGuard } from '../../src/platform/rate-limit/rate-guard.ts';
import { createRateLimiter, type RateLimiter } from '../../src/platform/rate-limit/rate-limiter.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertRateLimited, post, type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { freshEmail, session, verifiedAccount } from '../helpers/factories.ts';
import { freshPhone as freshNumber } from '../helpers/phones.ts';

const freshPhone = () => freshNumber().e164;

/** Starts each test at the top of an hour, two hours after the last: hourly windows start empty. */
function nextHour(clock: ManualClock): void {
  const hour = 3600_000;
  clock.advance(2 * hour - (clock.now().getTime() % hour));
}

async function app(
  clock: ManualClock,
  limiter: RateLimiter,
  env: Record<string, string> = {},
): Promise<TestApp> {
  return buildTestApp({
    clock,
    overrides: { rateLimiter: limiter },
    env: { TRUST_PROXY: 'loopback', ...env },
  });
}

const sendFrom = (t: TestApp, ip: string, phone: string) =>
  post(t, '/v1/phone/otp', { phone }, { 'x-forwarded-for': ip });

function assertSent(res: Reply): { retryAfter: number; nextSendAt: string } {
  assert.equal(res.statusCode, 202, res.body);
  return res.json();
}

describe(`SMS limits (${testDialect})`, () => {
  const clock = new ManualClock(new Date());
  const limiter = createRateLimiter({ clock });
  let t: TestApp;
  before(async () => {
    t = await app(clock, limiter);
  });
  after(() => t.close());

  it('the cooldown is a fixed 30 s, and the 202 says when the next send is allowed', async () => {
    nextHour(clock);
    const phone = freshPhone();
    const sent = assertSent(await sendFrom(t, '198.51.100.7', phone));
    assert.equal(sent.retryAfter, 30);
    assert.equal(sent.nextSendAt, new Date(clock.now().getTime() + 30_000).toISOString());
    clock.advance(29_000);
    assert.equal(assertRateLimited(await sendFrom(t, '198.51.100.7', phone)), 1);
    clock.advance(1_000);
    assertSent(await sendFrom(t, '198.51.100.7', phone));
    clock.advance(31_000);
    assertSent(await sendFrom(t, '198.51.100.7', phone));

    // Linking a number answers the same.
    const email = freshEmail('link-cooldown');
    await verifiedAccount(t, { email });
    const { accessToken } = await session(t, email);
    const link = await request(t, 'POST', '/v1/me/phone', {
      token: accessToken,
      body: { phone: freshPhone() },
      headers: { 'x-forwarded-for': '198.51.100.7' },
    });
    assert.equal(assertSent(link).retryAfter, 30);
  });

  it('a flood from another network spends neither the owner’s cooldown nor the owner’s quota', async () => {
    nextHour(clock);
    const phone = freshPhone();
    assertSent(await sendFrom(t, '203.0.113.5', phone));
    assertRateLimited(await sendFrom(t, '203.0.113.5', phone));
    // The owner, elsewhere, at once.
    assertSent(await sendFrom(t, '198.51.100.8', phone));
    // The flood waits out its own cooldowns until its own quota (5 an hour) is spent...
    for (let i = 0; i < 4; i++) {
      clock.advance(30_000);
      assertSent(await sendFrom(t, '203.0.113.6', phone)); // another address of the same /24
    }
    clock.advance(30_000);
    assertRateLimited(await sendFrom(t, '203.0.113.5', phone));
    // ...while the owner still gets a code.
    assertSent(await sendFrom(t, '198.51.100.8', phone));
  });

  it('the number’s own budget degrades per network: busy networks are refused, new ones pass, up to 20 an hour', async () => {
    nextHour(clock);
    const phone = freshPhone();
    const from = (network: number, host = 1) => sendFrom(t, `10.20.${network}.${host}`, phone);
    // Networks 1 to 3 send 3 each and network 4 one: the budget of 10 an hour is spent.
    for (let round = 0; round < 3; round++) {
      for (const network of [1, 2, 3]) assertSent(await from(network));
      clock.advance(30_000);
    }
    assertSent(await from(4));
    clock.advance(30_000);
    assertRateLimited(await from(1)); // it sent many
    // A network that sent one or two still gets through: network 4's second, a new network's first two.
    assertSent(await from(4, 9));
    assertSent(await from(5));
    clock.advance(30_000);
    assertSent(await from(5));
    clock.advance(30_000);
    assertRateLimited(await from(5));
    // Up to the ceiling of 20 for everyone: 13 let through so far.
    for (let network = 6; network <= 12; network++) assertSent(await from(network));
    assertRateLimited(await from(13));
  });

  it('the service-wide budget degrades per network instead of closing SMS sign-in for everyone', async () => {
    nextHour(clock);
    const flood = (i: number) => sendFrom(t, '192.0.2.10', freshPhone()).then((res) => [i, res] as const);
    for (let i = 0; i < 6; i++) assertSent((await flood(i))[1]);
    // Everyone else spends the rest of the 1,000 an hour.
    const guard = createRateGuard(limiter, 1);
    const spend = async (networkUsed: number) => {
      try {
        await guard.sharedBudget('sms-global', 'all', networkUsed, SENDS_GLOBAL);
        return true;
      } catch {
        return false;
      }
    };
    while (await spend(Number.MAX_SAFE_INTEGER));
    // The network that sent many is refused; one sending its first codes is not.
    assertRateLimited(await sendFrom(t, '192.0.2.10', freshPhone()));
    assertSent(await sendFrom(t, '198.18.0.1', freshPhone()));
    assertSent(await sendFrom(t, '198.18.0.1', freshPhone()));
    // Up to the hard ceiling, which refuses everyone.
    while (await spend(0));
    assertRateLimited(await sendFrom(t, '198.18.1.1', freshPhone()));
    clock.advance(3600_000 * 2);
    assertSent(await sendFrom(t, '198.18.1.1', freshPhone()));
  });
});

describe(`SMS limits: the caller's own limits come first (${testDialect})`, () => {
  const clock = new ManualClock(new Date());
  let t: TestApp;
  before(async () => {
    // 1 send an hour per address.
    t = await app(clock, createRateLimiter({ clock }), { ROSTER_RATE_LIMIT_IP_FACTOR: '0.05' });
  });
  after(() => t.close());

  it('a send refused for its address spends nothing of the number’s', async () => {
    const [first, target] = [freshPhone(), freshPhone()];
    assertSent(await sendFrom(t, '203.0.113.20', first));
    assertRateLimited(await sendFrom(t, '203.0.113.20', target));
    // Another address of the same network: the target's cooldown from there was not started.
    assertSent(await sendFrom(t, '203.0.113.21', target));
  });
});
