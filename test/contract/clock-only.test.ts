// Time is a dependency: nothing in src reads the wall clock but the clock
// module, so a test that moves a ManualClock moves every interval the code has
// (the key reload that once hung every install read Date.now() and no test
// clock could reach it).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';

const SRC = join(import.meta.dirname, '../../src');
const ALLOWED = new Set(['platform/clock.ts']);
const WALL_CLOCK = /\bDate\.now\(\)|\bnew Date\(\s*\)/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the clock module', () => {
  it('is the only reader of the wall clock in src', () => {
    const readers = sources(SRC)
      .map((path) => relative(SRC, path))
      .filter((path) => !ALLOWED.has(path))
      .filter((path) => WALL_CLOCK.test(readFileSync(join(SRC, path), 'utf8')));
    assert.deepEqual(readers, [], 'use clock.now() (or clock.every for periodic work)');
  });
});
