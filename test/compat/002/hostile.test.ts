// No input reaches a 5xx or problem+json on seed 002: every route gets each
// body shape a hostile client might send (wrong types, nulls, arrays, deep
// nesting, prototype keys, oversized strings, not JSON) and answers `ok: 1`
// or a 4xx refusal in the seed's shape.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../../helpers/build-test-app.ts';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { account } from '../../helpers/factories.ts';
import { anyRefusal, ok } from './seed-002.ts';

const ROUTES: ['POST' | 'GET', string][] = [
  ['POST', '/user/create'],
  ['POST', '/user/verify-email'],
  ['POST', '/user/login'],
  ['POST', '/user/do-2fa'],
  ['POST', '/user/enable-2fa'],
  ['POST', '/user/logout'],
  ['POST', '/user/logout-all'],
  ['POST', '/user/reset-password'],
];

const FIELDS = [
  'username',
  'firstName',
  'lastName',
  'email',
  'password',
  'phone',
  'phoneCountryCode',
  'code',
  'target',
  'sessionHash',
  'userAgent',
  'query',
  'request',
  'entry',
  'role',
];

/** The signed-in routes with a body: refused or done, never a 5xx, for a signed-in caller too. */
const SIGNED_IN_ROUTES: ['POST' | 'PATCH' | 'DELETE', string][] = [
  ['PATCH', '/user/me'],
  ['POST', '/user/private'],
  ['POST', '/user/block'],
  ['POST', '/user/unblock'],
  ['POST', '/user/follow'],
  ['POST', '/user/unfollow'],
  ['PATCH', '/user/follow-request'],
  ['DELETE', '/user/follow-entry'],
  ['POST', '/user/search'],
  ['PATCH', '/user/profile-picture'],
];
const VALUES: unknown[] = [
  null,
  0,
  -1,
  1e308,
  true,
  [],
  ['a'],
  {},
  { $gt: '' },
  '',
  ' ',
  '\u0000',
  'x'.repeat(5000),
  '../../etc/passwd',
];

const BODIES: unknown[] = [
  ...VALUES.map((v) => Object.fromEntries(FIELDS.map((f) => [f, v]))),
  [{}, {}],
  [[{}]],
  JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}'),
  JSON.parse(`${'['.repeat(500)}${']'.repeat(500)}`),
];

describe(`seed 002 hostile input (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_COMPAT: '002', ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => t.close());

  it('answers every body on every route with a 4xx in its own shape', async () => {
    for (const [method, url] of ROUTES)
      for (const body of BODIES) anyRefusal(await request(t, method, url, { body }));
  });

  it('answers every body on every signed-in route with a 4xx in its own shape, changing nothing', async () => {
    const user = await account(t, { label: 'seed2-hostile' });
    const me = async () => (await request(t, 'GET', '/user/me', { token: user.token })).json().data.user[0];
    const before = await me();
    for (const [method, url] of SIGNED_IN_ROUTES)
      for (const body of BODIES) {
        const res = await request(t, method, url, { token: user.token, body });
        // Undoing what is not there (unfollow, unblock an unknown id) is done, as natively;
        // a query of odd text is a search that finds no one.
        if (res.statusCode === 200 && /unfollow|unblock/.test(url)) ok(res);
        else if (res.statusCode === 200 && url === '/user/search')
          assert.deepEqual(res.json(), { ok: 1, data: { results: [] } });
        else anyRefusal(res);
      }
    for (const query of [
      'limit=-1',
      'limit=1e9',
      'offset=a&offset=b',
      `offset=${'%00'.repeat(10)}`,
      'limit=2&limit=3',
    ])
      anyRefusal(await request(t, 'GET', `/user/followers?${query}`, { token: user.token }));
    assert.deepEqual(await me(), before);
  });

  it('answers raw bodies that are not JSON, and hostile queries, with a 4xx', async () => {
    for (const [method, url] of ROUTES) {
      for (const [payload, type] of [
        ['{"email":', 'application/json'],
        ['\xff\xfe', 'application/json'],
        ['<a/>', 'application/xml'],
        ['a=b', 'application/x-www-form-urlencoded'],
      ]) {
        anyRefusal(await request(t, method, url, { body: payload, headers: { 'content-type': type! } }));
      }
    }
    for (const query of [
      'email[]=a@b.io',
      'email=a@b.io&email=c@d.io',
      `email=${'%00'.repeat(10)}`,
      'email=%E0%A4%A',
    ])
      anyRefusal(await request(t, 'GET', `/user/code?${query}`));
  });
});
