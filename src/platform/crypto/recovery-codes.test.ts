import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_BITS,
} from './recovery-codes.ts';
import { hmacSha256 } from './tokens.ts';

const FORMAT = /^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/;

describe('generateRecoveryCodes', () => {
  test('makes ten codes by default and honours the count', () => {
    assert.equal(generateRecoveryCodes().length, 10);
    assert.equal(generateRecoveryCodes(1).length, 1);
    assert.equal(generateRecoveryCodes(16).length, 16);
  });

  test('refuses invalid counts', () => {
    for (const count of [0, -1, 2.5, 101, Number.NaN])
      assert.throws(() => generateRecoveryCodes(count), RangeError, String(count));
  });

  test('uses the XXXX-XXXX-XXXX format without look-alike characters', () => {
    for (const code of generateRecoveryCodes(100)) {
      assert.match(code, FORMAT);
      assert.doesNotMatch(code, /[01OIL]/);
    }
  });

  test('carries at least 50 bits of entropy', () => {
    assert.ok(RECOVERY_CODE_BITS >= 50, String(RECOVERY_CODE_BITS));
  });

  test('is unique within a set and across many sets', () => {
    const all = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const set = generateRecoveryCodes();
      assert.equal(new Set(set).size, set.length);
      for (const code of set) all.add(code);
    }
    assert.equal(all.size, 5000);
  });

  test('uses the whole alphabet', () => {
    const seen = new Set(generateRecoveryCodes(100).join('').replaceAll('-', ''));
    assert.equal(seen.size, 31);
  });
});

describe('normaliseRecoveryCode', () => {
  test('upper-cases and strips spaces and dashes', () => {
    assert.equal(normaliseRecoveryCode('7kqm-r2xd-hwn9'), '7KQMR2XDHWN9');
    assert.equal(normaliseRecoveryCode(' 7kqm r2xd\thwn9 \n'), '7KQMR2XDHWN9');
    assert.equal(normaliseRecoveryCode('7KQM–R2XD—HWN9'), '7KQMR2XDHWN9'); // en and em dash
    assert.equal(normaliseRecoveryCode('７ＫＱＭ－Ｒ２ＸＤ'), '7KQMR2XD'); // full-width
  });

  test('does not map look-alikes', () => {
    assert.equal(normaliseRecoveryCode('o0-il'), 'O0IL');
  });
});

describe('hashRecoveryCode', () => {
  const key = 'recovery-code-key';

  test('is HMAC-SHA-256 of the normalised code', () => {
    const [code] = generateRecoveryCodes(1) as [string];
    assert.equal(hashRecoveryCode(code, key), hmacSha256(key, code.replaceAll('-', '')));
    assert.match(hashRecoveryCode(code, key), /^[0-9a-f]{64}$/);
  });

  test('is stable and matches however the code is typed', () => {
    const [code] = generateRecoveryCodes(1) as [string];
    const stored = hashRecoveryCode(code, key);
    assert.equal(hashRecoveryCode(code, key), stored);
    assert.equal(hashRecoveryCode(` ${code.toLowerCase().replaceAll('-', ' ')} `, key), stored);
  });

  test('depends on the key and on the code', () => {
    const [a, b] = generateRecoveryCodes(2) as [string, string];
    assert.notEqual(hashRecoveryCode(a, key), hashRecoveryCode(a, 'another-key'));
    assert.notEqual(hashRecoveryCode(a, key), hashRecoveryCode(b, key));
    assert.equal(hashRecoveryCode(a, new Uint8Array(Buffer.from(key))), hashRecoveryCode(a, key));
  });

  test('refuses an empty key', () => {
    assert.throws(() => hashRecoveryCode('AAAA-AAAA-AAAA', ''), RangeError);
    assert.throws(() => hashRecoveryCode('AAAA-AAAA-AAAA', new Uint8Array()), RangeError);
  });
});
