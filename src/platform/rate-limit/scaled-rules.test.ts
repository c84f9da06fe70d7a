import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../clock.ts';
import { ipKey } from './ip-key.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { createScaledLimiter, scaleRule, UNLIMITED } from './scaled-rules.ts';

describe('scaleRule', () => {
  const rule = { limit: 20, windowSeconds: 60 };

  it('multiplies the limit and keeps the window', () => {
    assert.deepEqual(scaleRule(rule, 1), rule);
    assert.deepEqual(scaleRule(rule, 10), { limit: 200, windowSeconds: 60 });
    assert.deepEqual(scaleRule(rule, 0.5), { limit: 10, windowSeconds: 60 });
  });

  it('turns per-IP limits off at 0', () => {
    assert.equal(scaleRule(rule, 0), null);
  });

  it('never scales a working rule down to nothing', () => {
    assert.deepEqual(scaleRule({ limit: 1, windowSeconds: 60 }, 0.1), { limit: 1, windowSeconds: 60 });
  });

  it('rejects a negative or infinite factor', () => {
    assert.throws(() => scaleRule(rule, -1), RangeError);
    assert.throws(() => scaleRule(rule, Number.POSITIVE_INFINITY), RangeError);
    assert.throws(() => createScaledLimiter(createRateLimiter(), Number.NaN), RangeError);
  });

  it('answers UNLIMITED without touching the store when off', async () => {
    const limiter = createRateLimiter({ clock: new ManualClock() });
    const ip = createScaledLimiter(limiter, 0);
    assert.equal(await ip.consume('ip:1', { limit: 0, windowSeconds: 1 }), UNLIMITED);
  });
});

describe('ipKey', () => {
  it('keeps IPv4 as it is', () => {
    assert.equal(ipKey('203.0.113.7'), '203.0.113.7');
  });

  it('counts IPv4-mapped IPv6 as the IPv4 address', () => {
    assert.equal(ipKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(ipKey('::FFFF:cb00:7107'), '203.0.113.7');
  });

  it('counts IPv6 per /64, however it is written', () => {
    const key = '2001:db8:0:1::/64';
    assert.equal(ipKey('2001:db8:0:1::1'), key);
    assert.equal(ipKey('2001:0DB8:0000:0001:ffff:ffff:ffff:ffff'), key);
    assert.equal(ipKey('2001:db8:0:1:a::b%eth0'), key);
    assert.equal(ipKey('::1'), '0:0:0:0::/64');
    assert.notEqual(ipKey('2001:db8:0:2::1'), key);
  });

  it('passes anything else through', () => {
    assert.equal(ipKey('unknown'), 'unknown');
  });
});
