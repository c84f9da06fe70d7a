import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEncrypter } from './encryption.ts';

const secretA = 'a-master-secret-of-at-least-32-characters!';
const secretB = 'another-master-secret-for-rotation-tests-00';
const context = 'mfa_totp:0192b7c4-0000-7000-8000-000000000001';

/** Swaps one base64url part of a ciphertext for a modified copy. */
function tamper(ciphertext: string, index: number): string {
  const parts = ciphertext.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[0]! ^= 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

describe('createEncrypter', () => {
  test('round-trips text, including empty and non-ASCII', () => {
    const encrypter = createEncrypter([secretA]);
    for (const plaintext of ['JBSWY3DPEHPK3PXP', '', 'clé secrète 🔑', 'x'.repeat(10_000)])
      assert.equal(encrypter.decrypt(encrypter.encrypt(plaintext, context), context), plaintext);
  });

  test('produces v1.<keyId>.<iv>.<tag>.<ct> with a fresh IV each time', () => {
    const encrypter = createEncrypter([secretA]);
    const first = encrypter.encrypt('same', context);
    const second = encrypter.encrypt('same', context);
    assert.match(first, /^v1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/);
    assert.notEqual(first, second);
    assert.equal(first.split('.')[1], second.split('.')[1]);
  });

  test('never reveals the secret or the plaintext', () => {
    const ciphertext = createEncrypter([secretA]).encrypt('JBSWY3DPEHPK3PXP', context);
    assert.ok(!ciphertext.includes('JBSWY3DPEHPK3PXP'));
    assert.ok(!ciphertext.includes(secretA));
  });

  test('fails with another context (a ciphertext moved to another row)', () => {
    const encrypter = createEncrypter([secretA]);
    const ciphertext = encrypter.encrypt('seed', context);
    assert.throws(() => encrypter.decrypt(ciphertext, `${context}2`), /authentication failed/);
  });

  test('fails when any part is tampered with', () => {
    const encrypter = createEncrypter([secretA]);
    const ciphertext = encrypter.encrypt('a TOTP seed', context);
    for (const index of [2, 3, 4]) assert.throws(() => encrypter.decrypt(tamper(ciphertext, index), context));
    const parts = ciphertext.split('.');
    assert.throws(() => encrypter.decrypt([...parts.slice(0, 4), ''].join('.'), context));
    assert.throws(() => encrypter.decrypt(parts.slice(0, 4).join('.'), context), /malformed/);
    assert.throws(() => encrypter.decrypt(`v2${ciphertext.slice(2)}`, context), /malformed/);
    assert.throws(() => encrypter.decrypt(`${ciphertext}!`, context), /malformed/);
    // A truncated tag must not be accepted (GCM would otherwise verify fewer bits).
    const shortTag = [...parts.slice(0, 3), parts[3]!.slice(0, 11), parts[4]].join('.');
    assert.throws(() => encrypter.decrypt(shortTag, context), /malformed/);
  });

  test('rotation: the first secret encrypts, every secret decrypts', () => {
    const old = createEncrypter([secretA]);
    const rotated = createEncrypter([secretB, secretA]);
    const before = old.encrypt('old seed', context);
    assert.equal(rotated.decrypt(before, context), 'old seed');
    const after = rotated.encrypt('new seed', context);
    assert.notEqual(after.split('.')[1], before.split('.')[1]);
    assert.equal(createEncrypter([secretB]).decrypt(after, context), 'new seed');
    assert.throws(() => old.decrypt(after, context));
  });

  test('fails with a plain message when no secret matches the key id', () => {
    const ciphertext = createEncrypter([secretA]).encrypt('seed', context);
    assert.throws(
      () => createEncrypter([secretB]).decrypt(ciphertext, context),
      (thrown) =>
        thrown instanceof Error &&
        /no configured secret matches key id/.test(thrown.message) &&
        !thrown.message.includes(secretA) &&
        !thrown.message.includes(secretB),
    );
  });

  test('error messages carry no secret material', () => {
    const encrypter = createEncrypter([secretA]);
    const ciphertext = encrypter.encrypt('top secret seed', context);
    try {
      encrypter.decrypt(ciphertext, 'other');
      assert.fail('should have thrown');
    } catch (error) {
      const message = (error as Error).message;
      assert.ok(!message.includes(secretA) && !message.includes('top secret seed'));
    }
  });

  test('refuses an empty secret list, empty secrets and an empty context', () => {
    assert.throws(() => createEncrypter([]));
    assert.throws(() => createEncrypter(['']));
    const encrypter = createEncrypter([secretA]);
    assert.throws(() => encrypter.encrypt('x', ''));
    assert.throws(() => encrypter.decrypt(encrypter.encrypt('x', context), ''));
  });
});
