// /metrics is never open to strangers in production: on the main listener it
// needs the bearer token (ROSTER_METRICS_TOKEN), or it moves to a listener of
// its own (METRICS_PORT on METRICS_HOST) and the main listener has none.
// Development and test keep it open unless a token or a port is set.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer } from '../../src/server.ts';
import { buildTestApp, type TestApp, testConfig } from '../helpers/build-test-app.ts';
import { request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { createPostgresDatabase } from '../helpers/test-database.ts';

const TOKEN = 'scrape-token-0123456789abcdef';
/** What production requires of any configuration, so only the metrics settings differ. */
const PRODUCTION = {
  ROSTER_ENV: 'production',
  PUBLIC_URL: 'https://roster.test',
  SMTP_URL: 'smtp://127.0.0.1:2525',
};

async function withApp(env: Record<string, string>, use: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await buildTestApp({ env });
  try {
    await use(t);
  } finally {
    await t.close();
  }
}

const scrape = (t: TestApp, authorization?: string) =>
  request(t, 'GET', '/metrics', { headers: authorization ? { authorization } : {} });

describe(`/metrics on the main listener (${testDialect})`, () => {
  it('production without a token: not served', async () => {
    await withApp(PRODUCTION, async (t) => {
      const res = await scrape(t);
      assert.equal(res.statusCode, 404);
      assert.equal(res.json().code, 'not_found');
      assert.equal((await scrape(t, `Bearer ${TOKEN}`)).statusCode, 404);
    });
  });

  it('production with a token: 401 without it or with a wrong one, 200 with it', async () => {
    await withApp({ ...PRODUCTION, ROSTER_METRICS_TOKEN: TOKEN }, async (t) => {
      for (const authorization of [
        undefined,
        'Bearer wrong-token',
        `Bearer ${TOKEN}x`,
        `Bearer ${TOKEN.slice(0, -1)}`,
        `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`,
        TOKEN,
      ]) {
        const res = await scrape(t, authorization);
        assert.equal(res.statusCode, 401, String(authorization));
        assert.equal(res.json().code, 'unauthenticated');
        assert.match(String(res.headers['www-authenticate']), /^Bearer/);
        assert.doesNotMatch(res.body, /http_request_duration_seconds/);
      }
      const ok = await scrape(t, `Bearer ${TOKEN}`);
      assert.equal(ok.statusCode, 200);
      assert.match(String(ok.headers['content-type']), /^text\/plain/);
      assert.match(ok.body, /http_request_duration_seconds/);
      assert.equal((await scrape(t, `bearer ${TOKEN}`)).statusCode, 200, 'the scheme is case-blind');
    });
  });

  it('test and development: open without a token; a set token applies there too', async () => {
    await withApp({}, async (t) => {
      const res = await scrape(t);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /process_cpu_seconds_total/);
    });
    await withApp({ ROSTER_ENV: 'development', ROSTER_METRICS_TOKEN: TOKEN }, async (t) => {
      assert.equal((await scrape(t)).statusCode, 401);
      assert.equal((await scrape(t, `Bearer ${TOKEN}`)).statusCode, 200);
    });
  });
});

describe(`/metrics on a listener of its own (${testDialect})`, () => {
  let databaseUrl: Record<string, string> = {};
  let dropDatabase = async () => {};
  before(async () => {
    if (testDialect === 'postgres') {
      const pg = await createPostgresDatabase();
      databaseUrl = { DATABASE_URL: pg.url };
      dropDatabase = pg.drop;
    }
  });
  after(() => dropDatabase());

  const serverConfig = (env: Record<string, string>) =>
    testConfig({ PORT: '0', METRICS_PORT: '0', LOG_LEVEL: 'warn', ...databaseUrl, ...env });

  it('METRICS_PORT: served there on loopback, not on the main listener, and stopped with the server', async () => {
    const server = await startServer(serverConfig(PRODUCTION));
    let stopped = false;
    try {
      assert.ok(server.metricsUrl, 'the bound metrics address is known');
      const metricsUrl = new URL(server.metricsUrl);
      assert.equal(metricsUrl.hostname, '127.0.0.1');
      assert.notEqual(metricsUrl.port, new URL(server.url).port);

      assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
      assert.equal((await fetch(`${server.url}/metrics`)).status, 404);
      const res = await fetch(server.metricsUrl);
      assert.equal(res.status, 200);
      // One registry: the main listener's requests are counted here.
      assert.match(await res.text(), /http_request_duration_seconds_count\{[^}]*route="\/healthz"/);
      // Nothing else is served on the metrics listener.
      assert.equal((await fetch(new URL('/healthz', metricsUrl))).status, 404);
      assert.equal((await fetch(new URL('/v1/me', metricsUrl))).status, 404);

      await server.stop();
      stopped = true;
      await assert.rejects(fetch(server.metricsUrl), 'the metrics listener is closed');
    } finally {
      if (!stopped) await server.stop();
    }
  });

  it('METRICS_PORT with a token: the token is asked for there too', async () => {
    const server = await startServer(serverConfig({ ROSTER_METRICS_TOKEN: TOKEN }));
    try {
      assert.ok(server.metricsUrl);
      assert.equal((await fetch(server.metricsUrl)).status, 401);
      const wrong = await fetch(server.metricsUrl, { headers: { authorization: 'Bearer nope' } });
      assert.equal(wrong.status, 401);
      assert.equal(((await wrong.json()) as { code: string }).code, 'unauthenticated');
      const ok = await fetch(server.metricsUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(ok.status, 200);
      assert.equal(
        (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
        404,
      );
    } finally {
      await server.stop();
    }
  });

  it('without METRICS_PORT there is no metrics listener', async () => {
    const server = await startServer(testConfig({ PORT: '0', LOG_LEVEL: 'warn', ...databaseUrl }));
    try {
      assert.equal(server.metricsUrl, null);
      assert.equal((await fetch(`${server.url}/metrics`)).status, 200);
    } finally {
      await server.stop();
    }
  });
});
