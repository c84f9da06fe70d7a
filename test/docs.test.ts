// Generated documentation is checked in; these fail when it is stale.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { README, readmeWithTable } from '../scripts/config-table.ts';
import { ERRORS_DOC, errorsDoc } from '../scripts/errors-doc.ts';
import { generateOpenApi, OPENAPI_FILE } from '../scripts/openapi.ts';

describe('checked-in documentation', () => {
  it('docs/openapi.json matches the routes (run `npm run openapi`)', async () => {
    assert.equal(readFileSync(OPENAPI_FILE, 'utf8'), await generateOpenApi());
  });

  it('docs/errors.md lists every error code of the catalogues (run `npm run docs:errors`)', async () => {
    assert.equal(readFileSync(ERRORS_DOC, 'utf8'), await errorsDoc());
  });

  it('the README configuration table matches config.schema.ts (run `npm run docs:config`)', () => {
    const readme = readFileSync(README, 'utf8');
    assert.equal(readme, readmeWithTable(readme));
  });
});
