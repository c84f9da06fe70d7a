import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isStorableText, unstorableText } from './text-rule.ts';

const paths = (root: unknown, prefix = '') => unstorableText(root, prefix).map((e) => e.path);

describe('unstorableText', () => {
  test('NUL and lone surrogates, not U+FFFD or astral characters', () => {
    assert.equal(isStorableText('ok 🧮 \uFFFD \uD83E\uDDEE'), true);
    for (const bad of ['\u0000', 'a\uD800', '\uDC00b', '\uDC00\uD800'])
      assert.equal(isStorableText(bad), false);
  });

  test('paths in document order, keys named with U+FFFD, under the prefix', () => {
    const body = { a: 'x\u0000', b: [{ c: 'fine' }, '\uD800'], 'k\u0000': 1, d: { e: '\uDC00' } };
    assert.deepEqual(paths(body), ['a', 'b.1', 'k\uFFFD', 'd.e']);
    assert.deepEqual(paths({ q: 'a\u0000' }, 'query'), ['query.q']);
    assert.deepEqual(paths('\uD800'), ['(root)']);
  });

  test('a value nested 100,000 deep is walked without recursing', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(paths({ deep }).length, 1);
  });

  test('buffers and streams are not text; cycles end', () => {
    const cyclic: Record<string, unknown> = { name: 'a\u0000' };
    cyclic.self = cyclic;
    assert.deepEqual(paths(cyclic), ['name']);
    assert.deepEqual(
      paths({ file: Buffer.from([0, 0xed, 0xa0, 0x80]), stream: { pipe() {}, x: '\u0000' } }),
      [],
    );
  });

  test('at most 20 errors', () => {
    assert.equal(paths(Array.from({ length: 100 }, () => '\u0000')).length, 20);
  });
});
