// Ten wrong passwords from one place must not lock the owner out everywhere:
// the lockout is per sign-in name and client address, a much higher ceiling
// per name stops a guesser spread over many addresses, and a browser that
// signed in before (its device cookie) is judged by its own failures only.
// Client addresses come from X-Forwarded-For, believed from TRUST_PROXY.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { createRateLimiter } from '../../src/platform/rate-limit/rate-limiter.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, assertRateLimited, post, type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { freshEmail, verifiedAccount } from '../helpers/factories.ts';

const RIGHT = 'violet kettle drums 4 seasons';
const WRONG = 'not the password at all';
const ATTACKER = '203.0.113.66';
const HOME = '198.51.100.7';
const CEILING = 100; // LOGIN_NAME_LOCKOUT.freeAttempts

describe(`lockout as a weapon (${testDialect})`, () => {
  const clock = new ManualClock(new Date());
  let t: TestApp;

  before(async () => {
    t = await buildTestApp({
      clock,
      overrides: { rateLimiter: createRateLimiter({ clock }) },
      env: { TRUST_PROXY: 'loopback' },
    });
  });
  after(() => t.close());

  const signIn = (ip: string, identifier: string, password: string, device?: string) =>
    post(
      t,
      '/v1/sessions',
      { identifier, password },
      { 'x-forwarded-for': ip, ...(device ? { cookie: `roster_device=${device}` } : {}) },
    );

  const deviceOf = (res: Reply): string => {
    assert.equal(res.statusCode, 200, res.body);
    const cookie = res.cookies.find((c) => c.name === 'roster_device');
    assert.ok(cookie, 'a correct password sets the device cookie');
    return cookie.value;
  };

  async function failFrom(ip: string, identifier: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++)
      assertProblem(await signIn(ip, identifier, WRONG), 401, 'invalid_credentials');
  }

  /** `count` failures spread over addresses 10 each (each address's own lockout allows 10). */
  async function spreadFailures(identifier: string, count: number, subnet: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const ip = `10.${subnet}.${Math.floor(i / 10)}.1`;
      assertProblem(await signIn(ip, identifier, WRONG), 401, 'invalid_credentials');
    }
  }

  const withoutRequestId = (res: Reply) => {
    const { requestId: _ignored, ...rest } = res.json() as Record<string, unknown>;
    return rest;
  };

  it('ten wrong passwords lock the guesser’s address; the owner signs in from another', async () => {
    const email = freshEmail('weapon');
    await verifiedAccount(t, { email, password: RIGHT });
    await failFrom(ATTACKER, email, 10);
    assertRateLimited(await signIn(ATTACKER, email, RIGHT));
    assertRateLimited(await signIn(ATTACKER, email, WRONG));

    const owner = await signIn(HOME, email, RIGHT);
    assert.equal(owner.statusCode, 200, owner.body);
    // The owner's success leaves the guesser's lockout in force.
    assertRateLimited(await signIn(ATTACKER, email, RIGHT));
    clock.advance(3600_000);
  });

  it('the device cookie: HttpOnly, SameSite=Lax, Secure, sent only to sign-in; set after a correct password only', async () => {
    const email = freshEmail('cookie');
    await verifiedAccount(t, { email, password: RIGHT });
    const wrong = await signIn(HOME, email, WRONG);
    assert.equal(wrong.headers['set-cookie'], undefined);
    const ok = await signIn(HOME, email, RIGHT);
    const cookie = ok.cookies.find((c) => c.name === 'roster_device')!;
    assert.deepEqual(
      { httpOnly: cookie.httpOnly, sameSite: cookie.sameSite, secure: cookie.secure, path: cookie.path },
      { httpOnly: true, sameSite: 'Lax', secure: true, path: '/v1/sessions' },
    );
    assert.ok((cookie.maxAge ?? 0) >= 30 * 24 * 3600);
  });

  it('the owner behind the guesser’s own address signs in with a known device cookie', async () => {
    const email = freshEmail('shared-nat');
    await verifiedAccount(t, { email, password: RIGHT });
    const device = deviceOf(await signIn(HOME, email, RIGHT));
    await failFrom(ATTACKER, email, 10);
    assertRateLimited(await signIn(ATTACKER, email, WRONG));
    assertRateLimited(await signIn(ATTACKER, email, RIGHT));

    const owner = await signIn(ATTACKER, email, RIGHT, device);
    assert.equal(owner.statusCode, 200, owner.body);
    // The device keeps its cookie (renewed), and its own mistakes stay its own.
    assert.equal(deviceOf(owner), device);
    assertProblem(await signIn(ATTACKER, email, WRONG, device), 401, 'invalid_credentials');
    assert.equal((await signIn(ATTACKER, email, RIGHT, device)).statusCode, 200);

    // A cookie of another account, or a forged one, is no device of this account.
    const other = freshEmail('attacker-own');
    await verifiedAccount(t, { email: other, password: RIGHT });
    const attackerDevice = deviceOf(await signIn(ATTACKER, other, RIGHT));
    assertRateLimited(await signIn(ATTACKER, email, RIGHT, attackerDevice));
    const [version, userId, nonce] = device.split('.');
    assertRateLimited(await signIn(ATTACKER, email, RIGHT, `${version}.${userId}.${nonce}.forged`));
    clock.advance(3600_000);
  });

  it('a new password retires every device cookie of the account', async () => {
    const email = freshEmail('retired');
    await verifiedAccount(t, { email, password: RIGHT });
    const device = deviceOf(await signIn(HOME, email, RIGHT));
    const { accessToken } = (await signIn(HOME, email, RIGHT, device)).json();
    const changed = await request(t, 'PUT', '/v1/me/password', {
      token: accessToken,
      body: { currentPassword: RIGHT, newPassword: 'a brand new passphrase 7' },
      headers: { 'x-forwarded-for': HOME },
    });
    assert.equal(changed.statusCode, 204, changed.body);
    await failFrom(ATTACKER, email, 10);
    // Before the change this cookie let its browser past the address's lockout; now it is nobody's.
    assertRateLimited(await signIn(ATTACKER, email, 'a brand new passphrase 7', device));
  });

  it('a guesser spread over many addresses stops at the ceiling of the name; a known device still signs in', async () => {
    const email = freshEmail('distributed');
    await verifiedAccount(t, { email, password: RIGHT });
    const device = deviceOf(await signIn(HOME, email, RIGHT));
    await spreadFailures(email, CEILING, 1);

    // A fresh address, the right password: the name is locked everywhere...
    const first = assertRateLimited(await signIn('192.0.2.200', email, RIGHT));
    assert.ok(first > 60 && first <= 300, `the ceiling's first block is 5 minutes (got ${first})`);
    assertRateLimited(await signIn(HOME, email, RIGHT));
    // ...except for the owner's known device.
    assert.equal((await signIn(HOME, email, RIGHT, device)).statusCode, 200);

    // Each further guess after the block blocks longer.
    clock.advance(first * 1000);
    assertProblem(await signIn('192.0.2.201', email, WRONG), 401, 'invalid_credentials');
    const second = assertRateLimited(await signIn('192.0.2.202', email, RIGHT));
    assert.ok(second > first, `second block ${second}s > first ${first}s`);
    clock.advance(3600_000);
  });

  it('the ceiling answers an unknown name exactly as it answers a real one', async () => {
    const known = freshEmail('ceiling-known');
    await verifiedAccount(t, { email: known, password: RIGHT });
    const unknown = freshEmail('ceiling-ghost');
    await spreadFailures(known, CEILING, 2);
    await spreadFailures(unknown, CEILING, 3);
    const a = await signIn('192.0.2.99', known, RIGHT);
    const b = await signIn('192.0.2.99', unknown, RIGHT);
    assertRateLimited(a);
    assertRateLimited(b);
    assert.deepEqual(withoutRequestId(b), withoutRequestId(a));
    assert.equal(b.headers['retry-after'], a.headers['retry-after']);
    clock.advance(3600_000);
  });
});
