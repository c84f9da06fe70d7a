// No input reaches a 5xx or problem+json on seed 002: every route gets each
// body shape a hostile client might send (wrong types, nulls, arrays, deep
// nesting, prototype keys, oversized strings, not JSON) and answers `ok: 1`
// or a 4xx refusal in the seed's shape.
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../../helpers/build-test-app.ts';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { anyRefusal } from './seed-002.ts';

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
    t = await buildTestApp({ env: { ROSTER_COMPAT: '002' } });
  });
  after(() => t.close());

  it('answers every body on every route with a 4xx in its own shape', async () => {
    for (const [method, url] of ROUTES)
      for (const body of BODIES) anyRefusal(await request(t, method, url, { body }));
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
