// /healthz, /readyz, /metrics, /openapi.json and /docs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/app.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { buildTestApp, type TestApp, testConfig } from '../helpers/build-test-app.ts';
import { get, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { createTestDatabase } from '../helpers/test-database.ts';

describe(`service endpoints (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(() => t.close());

  it('/healthz answers 200', async () => {
    const res = await get(t, '/healthz');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
  });

  it('/readyz answers 200 when the database is reachable', async () => {
    const res = await get(t, '/readyz');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ready' });
  });

  it('/metrics exposes request durations by route template and process metrics', async () => {
    await get(t, '/healthz');
    await get(t, '/no/such/route/123');
    const res = await get(t, '/metrics');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    assert.match(
      res.body,
      /http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} [1-9]/,
    );
    assert.match(res.body, /route="unmatched",status_code="404"/);
    assert.doesNotMatch(res.body, /no\/such\/route/, 'raw URLs never become labels');
    assert.match(res.body, /process_resident_memory_bytes/);
  });

  it('/openapi.json is OpenAPI 3.1 with described routes', async () => {
    const res = await get(t, '/openapi.json');
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.servers[0].url, 'http://roster.test');
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const op = doc.paths[path]?.get;
      assert.ok(op, `${path} is documented`);
      assert.ok(op.summary && op.description, `${path} has a summary and a description`);
    }
    assert.ok(doc.paths['/readyz'].get.responses['503'], 'error responses are documented');
    assert.equal(doc.paths['/openapi.json'], undefined);
  });

  it('/docs serves the browsable reference with its own CSP', async () => {
    const res = await get(t, '/docs/');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<title>Swagger UI<\/title>/);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /upgrade-insecure-requests|validator\.swagger\.io/);
    const init = await get(t, '/docs/static/swagger-initializer.js');
    assert.equal(init.statusCode, 200);
    assert.match(init.body, /openapi\.json/);
  });
});

describe(`readiness with the database down (${testDialect})`, () => {
  it('/readyz answers 503 problem+json while /healthz stays 200', async () => {
    const config = testConfig();
    // SQLite: a database that has been closed; PostgreSQL: a server that is not there.
    const database =
      testDialect === 'sqlite'
        ? (await createTestDatabase()).database
        : openDatabase({ dialect: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none' });
    if (testDialect === 'sqlite') await database.close();
    const app = await buildApp({ config, database });
    try {
      const res = await get({ app }, '/readyz');
      assert.equal(res.statusCode, 503);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.equal(res.json().code, 'service_unavailable');
      assert.equal(res.json().detail, 'The database is unreachable.');
      assert.equal((await get({ app }, '/healthz')).statusCode, 200);
    } finally {
      await app.close();
      if (testDialect === 'postgres') await database.close();
    }
  });
});

describe('CORS', () => {
  it('is off unless origins are configured', async () => {
    const t = await buildTestApp();
    try {
      const res = await request(t, 'GET', '/healthz', { headers: { origin: 'https://app.example' } });
      assert.equal(res.headers['access-control-allow-origin'], undefined);
    } finally {
      await t.close();
    }
  });

  it('allows only the configured origins', async () => {
    const t = await buildTestApp({ env: { ROSTER_CORS_ORIGINS: 'https://app.example' } });
    try {
      const ok = await request(t, 'OPTIONS', '/healthz', {
        headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' },
      });
      assert.equal(ok.statusCode, 204);
      assert.equal(ok.headers['access-control-allow-origin'], 'https://app.example');
      const other = await request(t, 'GET', '/healthz', { headers: { origin: 'https://evil.example' } });
      assert.equal(other.headers['access-control-allow-origin'], undefined);
    } finally {
      await t.close();
    }
  });
});
