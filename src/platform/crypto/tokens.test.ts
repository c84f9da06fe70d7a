import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { constantTimeEqual, hmacSha256, randomDigits, randomToken, sha256 } from './tokens.ts';

describe('randomToken', () => {
  test('is 32 random bytes in base64url by default', () => {
    const token = randomToken();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(token, 'base64url').length, 32);
  });

  test('honours the byte count and never repeats', () => {
    assert.equal(Buffer.from(randomToken(48), 'base64url').length, 48);
    const seen = new Set(Array.from({ length: 1000 }, () => randomToken()));
    assert.equal(seen.size, 1000);
  });

  test('refuses guessable or invalid sizes', () => {
    assert.throws(() => randomToken(8), RangeError);
    assert.throws(() => randomToken(16.5), RangeError);
  });
});

describe('sha256', () => {
  test('matches the known vector in hex and base64url', () => {
    assert.equal(sha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha256('abc', 'base64url'), 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  test('hashes UTF-8', () => {
    assert.equal(sha256('é'), sha256('\u00e9'));
    assert.notEqual(sha256('é'), sha256('e\u0301')); // no normalisation: tokens are opaque bytes
  });
});

describe('hmacSha256', () => {
  test('matches RFC 4231 test case 2', () => {
    assert.equal(
      hmacSha256('Jefe', 'what do ya want for nothing?'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  test('accepts byte keys and base64url output', () => {
    const key = new Uint8Array([1, 2, 3]);
    assert.equal(
      hmacSha256(key, 'data', 'base64url'),
      createHmac('sha256', key).update('data').digest('base64url'),
    );
    assert.notEqual(hmacSha256('k1', 'data'), hmacSha256('k2', 'data'));
  });
});

describe('constantTimeEqual', () => {
  test('is true only for identical strings', () => {
    const mac = hmacSha256('key', 'message');
    assert.equal(constantTimeEqual(mac, hmacSha256('key', 'message')), true);
    assert.equal(constantTimeEqual(mac, hmacSha256('key', 'other')), false);
    assert.equal(constantTimeEqual('', ''), true);
  });

  test('handles different lengths without throwing', () => {
    assert.equal(constantTimeEqual('abc', 'abcd'), false);
    assert.equal(constantTimeEqual('', 'a'), false);
    assert.equal(constantTimeEqual('a'.repeat(1000), 'a'), false);
  });

  test('does not confuse strings that UTF-8 would collapse', () => {
    // A lone surrogate becomes U+FFFD in UTF-8; the comparison must still see them as different.
    assert.equal(constantTimeEqual('\ud800', '\ufffd'), false);
    assert.equal(constantTimeEqual('\ud800', '\ud800'), true);
  });
});

describe('randomDigits', () => {
  test('gives exactly the requested number of decimal digits', () => {
    for (const length of [1, 6, 8, 20]) assert.match(randomDigits(length), new RegExp(`^[0-9]{${length}}$`));
  });

  test('keeps leading zeros', () => {
    // With 3000 six-digit codes, P(no code starts with 0) = 0.9^3000: never.
    const codes = Array.from({ length: 3000 }, () => randomDigits(6));
    assert.ok(codes.some((code) => code.startsWith('0')));
    assert.ok(codes.every((code) => code.length === 6));
  });

  test('draws every digit about equally often', () => {
    const counts = new Array<number>(10).fill(0);
    for (const digit of randomDigits(1_000_000)) counts[Number(digit)]!++;
    // Expected 100,000 each, σ ≈ 300: a fair generator stays within 5 σ, while
    // `byte % 10` (digits 0-5 about 1,560 too often, 6-9 2,340 too rarely) does not.
    for (const count of counts) assert.ok(Math.abs(count - 100_000) < 1_500, `digit count ${count}`);
  });

  test('refuses invalid lengths', () => {
    assert.throws(() => randomDigits(0), RangeError);
    assert.throws(() => randomDigits(2.5), RangeError);
  });
});
