// Every error the HTTP layer can produce is RFC 9457 problem+json with a
// stable code, and bad input changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from 'typebox';
import { commonError } from '../../src/platform/errors.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { get, post, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { captureLog } from '../helpers/log-capture.ts';

const log = captureLog();
let t: TestApp;
const received: unknown[] = [];

function assertProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): Record<string, unknown> },
  status: number,
  code: string,
) {
  assert.equal(res.statusCode, status);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json();
  assert.equal(body.status, status);
  assert.equal(body.code, code);
  assert.equal(body.type, `urn:roster:problem:${code}`);
  assert.equal(typeof body.title, 'string');
  assert.equal(typeof body.detail, 'string');
  assert.equal(body.requestId, res.headers['x-request-id']);
  return body;
}

describe(`HTTP errors (${testDialect})`, () => {
  before(async () => {
    t = await buildTestApp({
      logger: log.logger,
      extend: (app) => {
        app.post(
          '/test/echo',
          {
            schema: {
              body: Type.Object({
                email: Type.String({ format: 'email', maxLength: 254 }),
                name: Type.Optional(Type.Object({ first: Type.String({ maxLength: 5 }) })),
                password: Type.Optional(Type.String()),
                tags: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })),
              }),
              querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }),
            },
          },
          async (request) => {
            received.push(request.body);
            return { ok: true, limit: request.query.limit ?? null };
          },
        );
        app.get('/test/boom', async () => {
          throw new Error('database password is hunter2');
        });
        app.get('/test/limited', async () => {
          throw commonError('rate_limited', { detail: 'slow down', retryAfter: 42.2 });
        });
      },
    });
  });
  after(() => t.close());

  it('unknown route: 404 not_found', async () => {
    const res = await get(t, '/v1/nothing-here?x=1');
    const body = assertProblem(res, 404, 'not_found');
    assert.equal(body.detail, 'No route for GET /v1/nothing-here.');
  });

  it('malformed JSON: 400 malformed_request, handler not called', async () => {
    const res = await post(t, '/test/echo', '{"email": ', { 'content-type': 'application/json' });
    assertProblem(res, 400, 'malformed_request');
    assert.equal(received.length, 0);
  });

  it('a __proto__ key is refused as malformed', async () => {
    const res = await post(t, '/test/echo', '{"email":"a@example.com","__proto__":{"admin":true}}', {
      'content-type': 'application/json',
    });
    assertProblem(res, 400, 'malformed_request');
    assert.equal(received.length, 0);
  });

  it('validation: 422 with every field error, dotted paths', async () => {
    const res = await post(t, '/test/echo?limit=500', { email: 'a@b.co' });
    const body = assertProblem(res, 422, 'validation_failed');
    assert.deepEqual(
      (body.errors as { path: string }[]).map((e) => e.path),
      ['query.limit'],
    );
    const res2 = await post(t, '/test/echo', { email: 'not-an-email', name: { first: 'toolong' } });
    const errors = assertProblem(res2, 422, 'validation_failed').errors as {
      path: string;
      message: string;
    }[];
    assert.deepEqual(errors.map((e) => e.path).sort(), ['email', 'name.first']);
    assert.ok(errors.every((e) => typeof e.message === 'string' && e.message.length > 0));
    const missing = await post(t, '/test/echo', {});
    assert.deepEqual(assertProblem(missing, 422, 'validation_failed').errors, [
      { path: 'email', message: 'is required' },
    ]);
    assert.equal(received.length, 0);
  });

  it('a body with a hundred thousand bad items gets a small refusal naming the first', async () => {
    const res = await post(t, '/test/echo', { email: 'a@b.co', tags: Array(100_000).fill(0) });
    const body = assertProblem(res, 422, 'validation_failed');
    assert.ok(res.body.length < 2_000, `${res.body.length} bytes`);
    assert.ok((body.errors as unknown[]).length <= 20);
    // A small body with many bad items still names them all, up to twenty.
    const some = await post(t, '/test/echo', { email: 'a@b.co', tags: Array(30).fill(0) });
    const errors = assertProblem(some, 422, 'validation_failed').errors as unknown[];
    assert.equal(errors.length, 20);
    assert.match(String(assertProblem(some, 422, 'validation_failed').detail), /first 20 of 30/);
    assert.equal(received.length, 0);
  });

  it('bodies are not coerced: an array where a string belongs is a 422', async () => {
    const res = await post(t, '/test/echo', { email: ['a@example.com'] });
    assertProblem(res, 422, 'validation_failed');
    const num = await post(t, '/test/echo', { email: 12 });
    assertProblem(num, 422, 'validation_failed');
    assert.equal(received.length, 0);
  });

  it('query strings are coerced to their schema types', async () => {
    const res = await post(t, '/test/echo?limit=7', { email: 'a@example.com' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { ok: true, limit: 7 });
    received.length = 0;
  });

  it('body over 1 MiB: 413 payload_too_large', async () => {
    const res = await post(
      t,
      '/test/echo',
      JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(1024 * 1024) }),
      { 'content-type': 'application/json' },
    );
    assertProblem(res, 413, 'payload_too_large');
    assert.equal(received.length, 0);
  });

  it('unsupported content type: 415', async () => {
    const res = await post(t, '/test/echo', '<email/>', { 'content-type': 'application/xml' });
    assertProblem(res, 415, 'unsupported_media_type');
  });

  it('unexpected error: 500 without internals, logged with the request id', async () => {
    const res = await get(t, '/test/boom');
    const body = assertProblem(res, 500, 'internal_error');
    assert.doesNotMatch(res.body, /hunter2|Error|stack/);
    const line = log.lines.find((l) => l.reqId === body.requestId && l.level === 50);
    assert.ok(line, 'the error is logged with the request id');
    assert.match(JSON.stringify(line), /hunter2/);
  });

  it('rate limits carry Retry-After', async () => {
    const res = await get(t, '/test/limited');
    assertProblem(res, 429, 'rate_limited');
    assert.equal(res.headers['retry-after'], '43');
  });

  it('keeps a well-formed caller request id and replaces a hostile one', async () => {
    const kept = await request(t, 'GET', '/healthz', { headers: { 'x-request-id': 'trace-1234abcd' } });
    assert.equal(kept.headers['x-request-id'], 'trace-1234abcd');
    const replaced = await request(t, 'GET', '/healthz', {
      headers: { 'x-request-id': 'evil\n{"level":60}' },
    });
    assert.match(String(replaced.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('sends security headers and no-store on every reply', async () => {
    for (const url of ['/healthz', '/nope']) {
      const res = await get(t, url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
      assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.headers['strict-transport-security'], undefined, 'no HSTS on a plain-http service');
    }
  });

  it('redacts credentials from logs', async () => {
    await request(t, 'GET', '/nope?token=abc123secret&page=2', {
      headers: { authorization: 'Bearer eyJsecret-token', cookie: 'roster_session=cookie-secret' },
    });
    const text = log.text();
    assert.doesNotMatch(text, /abc123secret|eyJsecret-token|cookie-secret/);
    assert.match(text, /token=%5Bredacted%5D&page=2/);
    log.logger.info({ body: { password: 'hunter3', refreshToken: 'rt-secret' } }, 'body');
    assert.doesNotMatch(log.text(), /hunter3|rt-secret/);
  });
});
