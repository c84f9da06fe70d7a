// Route schemas are compiled on first use (src/http/deferred-compile.ts), so
// a schema that cannot compile would fail only its route's first request.
// Here every route's validators and serializers, on every face, are compiled
// at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { testDialect } from '../helpers/dialect.ts';

describe(`route schemas (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_COMPAT: 'all' } });
  });
  after(() => t.close());

  it('every route’s request and response schemas compile', () => {
    const app = t.app as unknown as { compileSchemas(): void };
    assert.equal(typeof app.compileSchemas, 'function');
    assert.doesNotThrow(() => app.compileSchemas());
  });
});
