import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dictionary } from '@zxcvbn-ts/language-common';
import { checkPassword, isCommonPassword, PASSWORD_MAX_LENGTH } from './password-policy.ts';

// Random-looking and absent from any list; padded or cut to the length a test needs.
const strong = (length: number): string => 'Vq7-kelp-Orbit-93-zinc-'.repeat(10).slice(0, length);

const messages = (password: string, options?: Parameters<typeof checkPassword>[1]): string[] =>
  checkPassword(password, options).map((error) => error.message);

describe('checkPassword', () => {
  test('accepts a long uncommon password with no composition rules', () => {
    assert.deepEqual(checkPassword('correct horse battery staple zebra'), []);
    assert.deepEqual(checkPassword('all lower case words here'), []); // no "must contain a digit"
  });

  test('refuses passwords shorter than the minimum (default 8) and accepts exactly the minimum', () => {
    assert.deepEqual(checkPassword(strong(7)), [
      { path: 'password', message: 'must be at least 8 characters' },
    ]);
    assert.deepEqual(checkPassword(strong(8)), []);
    assert.deepEqual(messages(''), ['must be at least 8 characters']);
  });

  test('takes the minimum from the caller (ROSTER_PASSWORD_MIN_LENGTH)', () => {
    assert.deepEqual(messages(strong(14), { minLength: 15 }), ['must be at least 15 characters']);
    assert.deepEqual(checkPassword(strong(15), { minLength: 15 }), []);
    assert.throws(() => checkPassword('x', { minLength: 0 }), RangeError);
    assert.throws(() => checkPassword('x', { minLength: PASSWORD_MAX_LENGTH + 1 }), RangeError);
  });

  test('accepts exactly 128 characters and refuses 129', () => {
    assert.equal(PASSWORD_MAX_LENGTH, 128);
    assert.deepEqual(checkPassword(strong(128)), []);
    assert.deepEqual(messages(strong(129)), ['must be at most 128 characters']);
  });

  test('counts Unicode code points after NFC, not UTF-16 units or combining marks', () => {
    // 8 emoji = 16 UTF-16 units but 8 characters.
    assert.deepEqual(checkPassword('🦊🐙🦉🐝🦀🐢🦋🐳'), []);
    assert.deepEqual(messages('🦊🐙🦉🐝🦀🐢🦋'), ['must be at least 8 characters']);
    // "é" typed decomposed is 2 code points before NFC, 1 after: 7 characters in total.
    const decomposed = 'ze\u0301bre\u0301s'.padEnd(9, 'q'); // 9 code points raw, 7 after NFC
    assert.equal([...decomposed].length, 9);
    assert.deepEqual(messages(decomposed), ['must be at least 8 characters']);
    // 128 emoji = 256 UTF-16 units, still within the maximum.
    assert.deepEqual(checkPassword('🦊🐙🦉🐝'.repeat(32)), []);
  });

  test('refuses common passwords, ignoring case', () => {
    const tooCommon = 'is too common; choose a less guessable password';
    assert.deepEqual(checkPassword('password'), [{ path: 'password', message: tooCommon }]);
    assert.deepEqual(messages('PassWord1'), [tooCommon]);
    assert.deepEqual(messages('QWERTY123'), [tooCommon]);
    assert.deepEqual(messages('iloveyou'), [tooCommon]);
    // A short common password breaks both rules; both are reported.
    assert.deepEqual(messages('1234'), ['must be at least 8 characters', tooCommon]);
  });

  test('uses the whole zxcvbn common-passwords list (at least 10,000 entries)', () => {
    const list = dictionary['passwords-common'];
    assert.ok(list.length >= 10_000, `only ${list.length} common passwords`);
    // Entries deep in the list are refused too, not only the top few.
    const deep = list.slice(10_000).filter((entry) => [...entry].length >= 8);
    assert.ok(deep.length > 0);
    for (const entry of [deep[0]!, deep.at(-1)!]) {
      assert.equal(isCommonPassword(entry), true, entry);
      assert.equal(isCommonPassword(entry.toUpperCase()), true, entry);
      assert.deepEqual(messages(entry), ['is too common; choose a less guessable password']);
    }
    assert.equal(isCommonPassword(strong(20)), false);
  });

  test('refuses a password equal to a context word, the email or its local part', () => {
    const context = ['Ada.Lovelace@example.com', 'countess_ada', null, undefined, '  '];
    const sameAsAccount = ['must not be the same as your username or email address'];
    assert.deepEqual(messages('ada.lovelace@EXAMPLE.com', { context }), sameAsAccount);
    assert.deepEqual(messages('ADA.LOVELACE', { context }), sameAsAccount);
    assert.deepEqual(messages('Countess_Ada', { context }), sameAsAccount);
    // Only equality is refused; containing the name is allowed (NIST asks for no more).
    assert.deepEqual(checkPassword('ada.lovelace and the engine', { context }), []);
    // Without context the same password is fine.
    assert.deepEqual(checkPassword('countess_ada'), []);
  });

  test('reports errors under the field path the caller names', () => {
    assert.deepEqual(checkPassword(strong(5), { path: 'newPassword' }), [
      { path: 'newPassword', message: 'must be at least 8 characters' },
    ]);
    assert.deepEqual(checkPassword('password', { path: 'newPassword' })[0]?.path, 'newPassword');
  });
});
