// Text no storage keeps as sent: a NUL (PostgreSQL text and jsonb refuse it)
// or a lone surrogate (UTF-8 cannot encode it; jsonb refuses its escape, text
// columns would silently turn it into U+FFFD). Anywhere in a request, body at
// any depth and its keys, query string and path, it is a 422 naming the field,
// on both dialects, and nothing is written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { testDialect } from '../helpers/dialect.ts';
import { assertProblem, countUsers, freshEmail, type Reply, STRONG_PASSWORD } from './support.ts';

const NUL = '\u0000';
const LONE_HIGH = '\uD800';
const LONE_LOW = '\uDC00';

describe(`NUL and lone surrogates are refused at the edge (${testDialect})`, () => {
  let t: TestApp;
  let token: string;

  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: freshEmail('unicode'), password: STRONG_PASSWORD },
    });
    assert.equal(res.statusCode, 201, res.body);
    token = res.json().session.accessToken;
  });
  after(() => t.close());

  const auth = () => ({ authorization: `Bearer ${token}` });
  const patchMe = (payload: unknown): Promise<Reply> =>
    t.app.inject({ method: 'PATCH', url: '/v1/me', headers: auth(), payload: payload as object });
  const me = async () => (await t.app.inject({ method: 'GET', url: '/v1/me', headers: auth() })).json();

  function assertRefused(res: Reply, path: string): void {
    const body = assertProblem(res, 422, 'validation_failed');
    const paths = (body.errors as { path: string }[]).map((e) => e.path);
    assert.deepEqual(paths, [path], res.body);
  }

  it('profile fields, socials, contact, tags and names: 422 on the field, profile unchanged', async () => {
    const before = await me();
    const cases: [unknown, string][] = [
      [{ bio: `about ${LONE_HIGH}` }, 'bio'],
      [{ headline: `lead${LONE_LOW}` }, 'headline'],
      [{ about: `a${NUL}b` }, 'about'],
      [{ name: { first: `Ada${LONE_HIGH}` } }, 'name.first'],
      [{ name: { display: `A${NUL}` } }, 'name.display'],
      [{ contact: { city: `Berlin${LONE_HIGH}` } }, 'contact.city'],
      [{ socials: { github: `https://github.com/ada${LONE_HIGH}` } }, 'socials.github'],
      [{ socials: { website: `https://example.com/${NUL}` } }, 'socials.website'],
      [{ tags: ['math', `logic${LONE_LOW}`] }, 'tags.1'],
      [{ custom: { team: `core${LONE_HIGH}` } }, 'custom.team'],
      [{ custom: { nested: { list: [1, { deep: `x${NUL}` }] } } }, 'custom.nested.list.1.deep'],
      [{ username: `ada${LONE_HIGH}` }, 'username'],
    ];
    for (const [payload, path] of cases) assertRefused(await patchMe(payload), path);
    assert.deepEqual(await me(), before);
  });

  it('a bad key is refused and named with U+FFFD in its place', async () => {
    assertRefused(await patchMe({ custom: { [`k${LONE_HIGH}`]: 1 } }), 'custom.k\uFFFD');
    assertRefused(await patchMe({ custom: { ok: { [`a${NUL}b`]: true } } }), 'custom.ok.a\uFFFDb');
  });

  it('sign-up: email and names, and no account is created', async () => {
    const count = await countUsers(t);
    const signUp = (extra: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/accounts',
        payload: { email: freshEmail('signup'), password: STRONG_PASSWORD, ...extra },
      });
    assertRefused(await signUp({ email: `ada${LONE_HIGH}@example.com` }), 'email');
    assertRefused(await signUp({ firstName: `Ada${LONE_LOW}` }), 'firstName');
    assertRefused(await signUp({ lastName: `Love${NUL}lace` }), 'lastName');
    assertRefused(await signUp({ password: `violet kettle ${LONE_HIGH} drums` }), 'password');
    assert.equal(await countUsers(t), count);
  });

  it('email wherever it is taken, and the login identifier', async () => {
    const email = `ada${LONE_HIGH}@example.com`;
    const body = (payload: object, url: string) => t.app.inject({ method: 'POST', url, payload });
    assertRefused(await body({ email }, '/v1/password/forgot'), 'email');
    assertRefused(await body({ email }, '/v1/accounts/verify-email/resend'), 'email');
    assertRefused(await body({ email, code: '123456' }, '/v1/accounts/verify-email'), 'email');
    assertRefused(await body({ identifier: email, password: STRONG_PASSWORD }, '/v1/sessions'), 'identifier');
  });

  it('query strings and path parameters', async () => {
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth() });
    assertRefused(await get('/v1/tags?q=ma%00th'), 'query.q');
    assertRefused(await get('/v1/users?q=ada%00'), 'query.q');
    assertRefused(await get('/v1/users/by-phone/%2B49%00151'), 'params.e164');
    assertRefused(await get('/v1/users/exists?email=a%00b%40example.com'), 'query.email');
  });

  it('well-formed text outside the BMP and U+FFFD itself are kept as sent', async () => {
    const bio = 'Mathematician 🧮 \uFFFD';
    const res = await patchMe({ bio, custom: { emoji: '𝔸𝕕𝕒' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().bio, bio);
    assert.equal(res.json().custom.emoji, '𝔸𝕕𝕒');
  });
});
