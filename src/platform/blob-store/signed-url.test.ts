import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signedMediaUrl, signMediaUrl, unixSeconds, verifyMediaSignature } from './signed-url.ts';

const SECRET = 'media-signing-secret-for-tests-only';
const NOW = new Date('2026-03-01T12:00:00Z');
const EXPIRES = unixSeconds(NOW) + 600;
const PUT = {
  method: 'PUT',
  key: 'uploads/u1/a.jpg',
  expires: EXPIRES,
  contentType: 'image/jpeg',
  size: 1234,
} as const;

describe('signed media URLs', () => {
  it('verifies what it signed, until the expiry second', () => {
    const signature = signMediaUrl(PUT, SECRET);
    assert.match(signature, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(verifyMediaSignature({ ...PUT, signature, now: NOW }, SECRET), 'ok');
    const justBefore = new Date(EXPIRES * 1000 - 1);
    assert.equal(verifyMediaSignature({ ...PUT, signature, now: justBefore }, SECRET), 'ok');
    const atExpiry = new Date(EXPIRES * 1000);
    assert.equal(verifyMediaSignature({ ...PUT, signature, now: atExpiry }, SECRET), 'expired');
  });

  it('accepts the expiry as the query string carries it', () => {
    const signature = signMediaUrl(PUT, SECRET);
    assert.equal(
      verifyMediaSignature({ ...PUT, expires: String(EXPIRES), signature, now: NOW }, SECRET),
      'ok',
    );
  });

  it('refuses a link whose method, key, expiry, type or size was altered', () => {
    const signature = signMediaUrl(PUT, SECRET);
    const altered = [
      { method: 'GET' as const },
      { key: 'uploads/u1/b.jpg' },
      { expires: EXPIRES + 3600 },
      { expires: EXPIRES - 1 },
      { contentType: 'text/html' },
      { contentType: undefined },
      { size: 1235 },
      { size: undefined },
    ];
    for (const change of altered) {
      const verdict = verifyMediaSignature({ ...PUT, ...change, signature, now: NOW }, SECRET);
      assert.equal(verdict, 'invalid', JSON.stringify(change));
    }
  });

  it('refuses a link signed under another secret', () => {
    const signature = signMediaUrl(PUT, 'another-secret');
    assert.equal(verifyMediaSignature({ ...PUT, signature, now: NOW }, SECRET), 'invalid');
    const bytes = Buffer.from(SECRET);
    assert.equal(
      verifyMediaSignature({ ...PUT, signature: signMediaUrl(PUT, bytes), now: NOW }, SECRET),
      'ok',
    );
  });

  it('calls malformed signatures and expiries invalid, even when they are long past', () => {
    const signature = signMediaUrl(PUT, SECRET);
    for (const bad of [
      '',
      'abc',
      `${signature}A`,
      `${signature.slice(0, 42)}+`,
      `${signature.slice(0, 42)}=`,
    ]) {
      assert.equal(verifyMediaSignature({ ...PUT, signature: bad, now: NOW }, SECRET), 'invalid', bad);
    }
    for (const expires of ['', '-1', '1e9', '12.5', ' 1', 'soon', Number.NaN, -1, 1.5]) {
      const verdict = verifyMediaSignature({ ...PUT, expires, signature, now: NOW }, SECRET);
      assert.equal(verdict, 'invalid', String(expires));
    }
    const size = Number.NaN;
    assert.equal(verifyMediaSignature({ ...PUT, size, signature, now: NOW }, SECRET), 'invalid');
  });

  it('refuses to sign a size or expiry that is not a count', () => {
    assert.throws(() => signMediaUrl({ ...PUT, size: -1 }, SECRET), RangeError);
    assert.throws(() => signMediaUrl({ ...PUT, expires: 1.5 }, SECRET), RangeError);
  });

  it('builds the URL with the key escaped per segment', () => {
    const url = signedMediaUrl('https://id.example/', 'a/b c/d', { expires: 42, signature: 'sig' });
    assert.equal(url, 'https://id.example/media/a/b%20c/d?expires=42&signature=sig');
  });

  it('rounds expiry down to the second', () => {
    assert.equal(unixSeconds(new Date('2026-03-01T12:00:00.999Z')), unixSeconds(NOW));
  });
});
