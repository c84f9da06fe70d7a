// package.json's `bin` names files that exist and run: `roster --help` prints
// the usage of the same command line as `npm run cli`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };

describe('package.json bin', () => {
  it('points at executable files that print the usage', () => {
    assert.ok(Object.keys(pkg.bin).length > 0);
    for (const [name, path] of Object.entries(pkg.bin)) {
      const file = join(ROOT, path);
      assert.ok(existsSync(file), `${name}: ${path} exists`);
      assert.ok((statSync(file).mode & 0o111) !== 0, `${name}: ${path} is executable`);
      const run = spawnSync(process.execPath, [file, '--help'], {
        encoding: 'utf8',
        env: { ...process.env },
      });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /serve/);
    }
  });
});
