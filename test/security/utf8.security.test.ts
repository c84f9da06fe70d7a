// Bytes that are not UTF-8 cannot be stored as sent: decoding them quietly
// turns them into U+FFFD, so what is stored is not what was sent. A JSON body,
// a query string or a path carrying such bytes is a 400 `malformed_request`,
// on both dialects, and nothing changes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, get, type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { appWithSession } from '../helpers/factories.ts';

describe(`requests that are not UTF-8 are refused (${testDialect})`, () => {
  let t: TestApp;
  let token: string;

  before(async () => {
    ({ t, token } = await appWithSession('utf8'));
  });
  after(() => t.close());

  const patchRaw = (payload: Buffer, contentType = 'application/json'): Promise<Reply> =>
    request(t, 'PATCH', '/v1/me', { body: payload, token, headers: { 'content-type': contentType } });
  const bio = async () => (await get(t, '/v1/me', token)).json().bio;

  it('a JSON body with bytes that are not UTF-8: 400, nothing stored', async () => {
    const bodies = [
      Buffer.concat([Buffer.from('{"bio":"ok'), Buffer.from([0xed, 0xa0, 0x80, 0xff]), Buffer.from('"}')]),
      Buffer.concat([Buffer.from('{"bio":"'), Buffer.from([0xc3]), Buffer.from('"}')]), // truncated sequence
      Buffer.concat([Buffer.from('{"bio":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), // overlong "/"
      Buffer.concat([Buffer.from('{"bio":"'), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from('"}')]), // > U+10FFFF
    ];
    for (const body of bodies) {
      const res = await patchRaw(body);
      const problem = assertProblem(res, 400, 'malformed_request');
      assert.match(String(problem.detail), /UTF-8/);
      const charset = await patchRaw(body, 'application/json; charset=utf-8');
      assertProblem(charset, 400, 'malformed_request');
    }
    assert.equal(await bio(), null);
  });

  it('valid UTF-8 is kept as sent, and JSON errors and __proto__ are still refused as before', async () => {
    const ok = await patchRaw(Buffer.from('{"bio":"Zoë 🧮 \uFFFD"}'));
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(await bio(), 'Zoë 🧮 \uFFFD');
    assertProblem(await patchRaw(Buffer.from('{"bio":')), 400, 'malformed_request');
    assertProblem(await patchRaw(Buffer.from('{"__proto__":{"x":1}}')), 400, 'malformed_request');
    assertProblem(await patchRaw(Buffer.from('')), 400, 'malformed_request');
  });

  it('percent-encoded bytes that are not UTF-8 in a query string or path: 400', async () => {
    const read = (url: string) => get(t, url, token);
    for (const url of [
      '/v1/tags?q=%ED%A0%80',
      '/v1/users?q=ada%FF',
      '/v1/users?q=%C3',
      '/v1/users/by-phone/%ED%A0%80',
      '/v1/no-such-route?q=%80',
    ]) {
      assertProblem(await read(url), 400, 'malformed_request');
    }
    // Well-formed escapes, including outside the BMP, and a lone % are read as before.
    assert.equal((await read('/v1/tags?q=%C3%A9%F0%9F%A7%AE')).statusCode, 200);
    assert.equal((await read('/v1/tags?q=100%')).statusCode, 200);
  });
});
