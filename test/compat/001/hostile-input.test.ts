// Hostile input on seed 001: wrong types, oversized and invisible text,
// invalid locales, zones and numbers, bodies that are no object or no JSON,
// unknown fields; bad or missing tokens. Each is refused in FastAPI's shape
// (422 items naming the field, `{"detail"}` otherwise), nothing changes on a
// refused request, and nothing is ever a 5xx.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../../helpers/build-test-app.ts';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { account, type Json, type SignedUpAccount } from '../../helpers/factories.ts';
import { locs, profileOf, refusal, UPDATE_SAMPLE, unauthorized, validationItems } from './seed-001.ts';

const FIELDS = Object.keys(UPDATE_SAMPLE);
const ROUTES: ['GET' | 'PATCH' | 'POST', string][] = [
  ['GET', '/api/v1/me'],
  ['PATCH', '/api/v1/me'],
  ['POST', '/api/v1/me/password'],
  ['POST', '/api/v1/me/verify-email'],
];

describe(`seed 001 hostile input (${testDialect})`, () => {
  let t: TestApp;
  let user: SignedUpAccount;
  let stored: Json;
  before(async () => {
    t = await buildTestApp({
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', ROSTER_RATE_LIMIT_USER_FACTOR: '0' },
    });
    user = await account(t);
    stored = profileOf(await request(t, 'PATCH', '/api/v1/me', { token: user.token, body: UPDATE_SAMPLE }));
  });
  after(() => t.close());

  const patch = (body: unknown, headers: Record<string, string> = {}) =>
    request(t, 'PATCH', '/api/v1/me', { token: user.token, body, headers });
  const unchanged = async () =>
    assert.deepEqual(profileOf(await request(t, 'GET', '/api/v1/me', { token: user.token })), stored);

  it('wrong types on every field: string_type at body.<field>, all named at once', async () => {
    for (const wrong of [42, 1.5, true, false, [], ['Ada'], {}, { first: 'Ada' }]) {
      const body = Object.fromEntries(FIELDS.map((f) => [f, wrong]));
      const items = validationItems(await patch(body));
      assert.deepEqual(
        locs(items),
        FIELDS.map((f) => `body.${f}`),
        JSON.stringify(wrong),
      );
      assert.ok(items.every((i) => i.type === 'string_type' && i.msg === 'Input should be a valid string'));
    }
    await unchanged();
  });

  it('oversized, invisible and control text: string_too_long or value_error on the field', async () => {
    const cases: [Json, string, string][] = [
      [{ first_name: 'x'.repeat(101) }, 'body.first_name', 'string_too_long'],
      [{ last_name: 'é'.repeat(101) }, 'body.last_name', 'string_too_long'],
      [{ display_name: 'x'.repeat(10_000) }, 'body.display_name', 'string_too_long'],
      [{ locale: 'en-'.repeat(20) }, 'body.locale', 'string_too_long'],
      [{ timezone: 'Europe/'.repeat(20) }, 'body.timezone', 'string_too_long'],
      [{ phone: '+1'.repeat(20) }, 'body.phone', 'string_too_long'],
      [{ first_name: 'Ada\u202Eecalevol' }, 'body.first_name', 'value_error'],
      [{ display_name: 'Ad\u200Ba' }, 'body.display_name', 'value_error'],
      [{ last_name: '   ' }, 'body.last_name', 'value_error'],
      [{ first_name: 'Ada\nLovelace' }, 'body.first_name', 'value_error'],
      [{ locale: 'en\u0007' }, 'body.locale', 'value_error'],
      [{ first_name: 'Ada\u0000' }, 'body.first_name', 'value_error'],
    ];
    for (const [body, where, type] of cases) {
      const items = validationItems(await patch(body));
      assert.deepEqual(locs(items), [where], JSON.stringify(body));
      assert.equal(items[0]!.type, type, JSON.stringify(body));
    }
    // A lone surrogate cannot be stored on either dialect: refused, as raw JSON.
    const raw = await patch('{"first_name": "Ada\\ud800"}', { 'content-type': 'application/json' });
    assert.deepEqual(locs(validationItems(raw)), ['body.first_name']);
    await unchanged();
  });

  it('invalid locales, time zones and numbers: value_error from the domain, all at once', async () => {
    const items = validationItems(
      await patch({ locale: 'en_US', timezone: 'Mars/Olympus_Mons', phone: '123' }),
    );
    assert.deepEqual(locs(items), ['body.phone', 'body.locale', 'body.timezone']);
    assert.ok(items.every((i) => i.type === 'value_error' && i.msg.startsWith('Value error, ')));
    for (const locale of ['not a locale', '12345678', 'x-', '']) {
      if (locale === '') continue;
      assert.deepEqual(locs(validationItems(await patch({ locale }))), ['body.locale'], locale);
    }
    for (const timezone of ['utc+1', 'Europe/Atlantis', '../../etc/passwd', 'GMT+25'])
      assert.deepEqual(locs(validationItems(await patch({ timezone }))), ['body.timezone'], timezone);
    // A valid field beside a bad one is not applied either.
    validationItems(await patch({ first_name: 'Changed', timezone: 'Nowhere/Here' }));
    await unchanged();
  });

  it('bodies that are no object, no JSON or none at all, as FastAPI reads them', async () => {
    const json = { 'content-type': 'application/json' };
    const notObject = 'model_attributes_type';
    const cases: [string | Buffer | undefined, Record<string, string>, Json[]][] = [
      [undefined, {}, [{ loc: ['body'], msg: 'Field required', type: 'missing' }]],
      ['', json, [{ loc: ['body'], msg: 'Field required', type: 'missing' }]],
      ['null', json, [{ loc: ['body'], msg: 'Field required', type: 'missing' }]],
      ['[1, 2]', json, [{ loc: ['body'], type: notObject }]],
      ['"Ada"', json, [{ loc: ['body'], type: notObject }]],
      ['42', { 'content-type': 'application/vnd.api+json' }, [{ loc: ['body'], type: notObject }]],
      ['{"first_name": "Ada"', json, [{ loc: ['body', 20], msg: 'JSON decode error', type: 'json_invalid' }]],
      ['{"first_name": }', json, [{ msg: 'JSON decode error', type: 'json_invalid' }]],
      [Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]), json, [{ loc: ['body', 0], type: 'json_invalid' }]],
      ['first_name=Mallory', { 'content-type': 'application/x-www-form-urlencoded' }, [{ type: notObject }]],
      ['{"first_name": "Mallory"}', { 'content-type': 'text/plain' }, [{ loc: ['body'], type: notObject }]],
      ['[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[', json, [{ type: 'json_invalid' }]],
      [`${'['.repeat(50_000)}${']'.repeat(50_000)}`, json, [{ loc: ['body'], type: notObject }]],
    ];
    for (const [body, headers, expected] of cases) {
      const items = validationItems(await patch(body, headers));
      assert.equal(items.length, expected.length, `${String(body).slice(0, 40)}: ${JSON.stringify(items)}`);
      for (const [i, want] of expected.entries())
        assert.deepEqual({ ...items[i], ...want }, items[i], `${String(body).slice(0, 40)}`);
    }
    const deep = `{"first_name": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    assert.deepEqual(locs(validationItems(await patch(deep, json))), ['body.first_name']);
    refusal(await patch(JSON.stringify({ first_name: 'x'.repeat(2 * 1024 * 1024) }), json), 413);
    await unchanged();
  });

  it('ignores unknown fields, many of them and prototype keys too, and applies the known ones', async () => {
    const many = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`field_${i}`, i]));
    const res = await patch(
      `{"__proto__": {"role": "admin"}, "constructor": {"prototype": {"x": 1}}, "display_name": "Countess of Lovelace", ${JSON.stringify(many).slice(1)}`,
      { 'content-type': 'application/json' },
    );
    assert.deepEqual(profileOf(res), { ...stored, updated_at: profileOf(res).updated_at });
    stored = profileOf(res);
    assert.equal((await request(t, 'GET', '/v1/me', { token: user.token })).json().role, 'user');
  });

  it('a missing, malformed or dead token is FastAPI’s 401 on every route; a refused call changes nothing', async () => {
    const other = await account(t);
    await request(t, 'DELETE', '/v1/sessions/current', { token: other.token });
    const headers: [Record<string, string>, string][] = [
      [{}, 'Not authenticated'],
      [{ authorization: 'Basic YWRhOnNlY3JldA==' }, 'Not authenticated'],
      [{ authorization: 'Bearer' }, 'Not authenticated'],
      [{ authorization: 'Bearer not-a-token' }, 'Could not validate credentials'],
      [{ authorization: `Bearer ${user.token.slice(0, -4)}AAAA` }, 'Could not validate credentials'],
      [{ authorization: `Bearer ${other.token}` }, 'Could not validate credentials'],
      [{ authorization: `Bearer ${'x'.repeat(5000)}` }, 'Could not validate credentials'],
    ];
    for (const [method, url] of ROUTES) {
      for (const [header, detail] of headers) {
        const body = method === 'GET' ? undefined : { first_name: 'Mallory' };
        unauthorized(await request(t, method, url, { headers: header, body }), detail);
      }
    }
    // As in FastAPI, the token is judged before the body: bad input without one is still a 401.
    unauthorized(await request(t, 'PATCH', '/api/v1/me', { body: { first_name: 5, locale: [] } }));
    unauthorized(await request(t, 'POST', '/api/v1/me/password', { body: {} }));
    await unchanged();
  });

  it('unknown paths and methods answer FastAPI’s 404 and 405, never problem+json', async () => {
    for (const url of ['/api/v1', '/api/v1/', '/api/v1/users', '/api/v1/me/avatar', '/api/v1/%E0%A4%A']) {
      const res = await request(t, 'GET', url, { token: user.token });
      assert.ok([400, 404].includes(res.statusCode), `${url}: ${res.statusCode}`);
      refusal(res, res.statusCode);
    }
    for (const [method, url] of [
      ['DELETE', '/api/v1/me'],
      ['PUT', '/api/v1/me'],
      ['GET', '/api/v1/me/password'],
      ['GET', '/api/v1/me/verify-email'],
    ] as const) {
      const res = await request(t, method, url, { token: user.token });
      assert.equal(refusal(res, 405), 'Method Not Allowed', `${method} ${url}`);
      assert.ok(String(res.headers.allow).length > 0);
    }
  });
});
