import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { networkKey } from './ip-key.ts';

describe('networkKey', () => {
  it('counts IPv4 per /24, mapped IPv6 included', () => {
    assert.equal(networkKey('203.0.113.7'), '203.0.113.0/24');
    assert.equal(networkKey('203.0.113.250'), '203.0.113.0/24');
    assert.equal(networkKey('::ffff:203.0.113.7'), '203.0.113.0/24');
    assert.notEqual(networkKey('203.0.114.7'), networkKey('203.0.113.7'));
  });

  it('counts IPv6 per /64', () => {
    assert.equal(networkKey('2001:db8:0:1::1'), '2001:db8:0:1::/64');
    assert.equal(networkKey('2001:db8:0:1:ffff::9'), '2001:db8:0:1::/64');
  });

  it('passes anything else through', () => {
    assert.equal(networkKey('unknown'), 'unknown');
  });
});
