// Generated documentation is checked in; these fail when it is stale.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { README, readmeWithTable } from '../scripts/config-table.ts';
import { ERRORS_DOC, errorsDoc } from '../scripts/errors-doc.ts';
import { generateOpenApi, OPENAPI_FILE } from '../scripts/openapi.ts';

describe('checked-in documentation', () => {
  it('docs/openapi.json matches the routes (run `npm run openapi`)', async () => {
    assert.equal(readFileSync(OPENAPI_FILE, 'utf8'), await generateOpenApi());
  });

  it('docs/openapi.json passes `redocly lint` (recommended rules) without an error or a warning', () => {
    // Exceptions live, with their reasons, in .redocly.lint-ignore.yaml.
    const root = resolve(import.meta.dirname, '..');
    const cli = resolve(root, 'node_modules/@redocly/cli/bin/cli.js');
    const run = spawnSync(process.execPath, [cli, 'lint', OPENAPI_FILE, '--format=json'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    const report = JSON.parse(run.stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; severity: string; message: string; location: { pointer?: string }[] }[];
    };
    const problems = report.problems.map(
      (p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`,
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(report.totals, { ...report.totals, errors: 0, warnings: 0 });
  });

  it('docs/errors.md lists every error code of the catalogues (run `npm run docs:errors`)', async () => {
    assert.equal(readFileSync(ERRORS_DOC, 'utf8'), await errorsDoc());
  });

  it('the README configuration table matches config.schema.ts (run `npm run docs:config`)', () => {
    const readme = readFileSync(README, 'utf8');
    assert.equal(readme, readmeWithTable(readme));
  });
});
