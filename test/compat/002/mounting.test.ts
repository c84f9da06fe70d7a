// ROSTER_COMPAT decides whether seed 002 is served; /openapi.json documents
// its routes under the `seed 002` tag; unknown paths under /user answer in
// the seed's shape; the login cookie is Secure when PUBLIC_URL is https.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTestApp } from '../../helpers/build-test-app.ts';
import { assertProblem, request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { freshEmail, type Json } from '../../helpers/factories.ts';
import { CREATE_SAMPLE, dataOf, ok, refused, sessionCookieOf } from './seed-002.ts';

describe(`seed 002 mounting and reference (${testDialect})`, () => {
  it('is served under all, 002 or a list holding it; not under none or a list without it', async () => {
    for (const [compat, served] of [
      ['all', true],
      ['002', true],
      ['001,002', true],
      ['none', false],
      ['003,004', false],
    ] as const) {
      const t = await buildTestApp({ env: { ROSTER_COMPAT: compat } });
      try {
        const res = await request(t, 'POST', '/user/logout');
        if (served) refused(res, 401, 'unauthenticated');
        else assertProblem(res, 404, 'not_found');
      } finally {
        await t.close();
      }
    }
  });

  it('answers an unknown path or method under /user in its own shape, never problem+json', async () => {
    const t = await buildTestApp({ env: { ROSTER_COMPAT: '002' } });
    try {
      refused(await request(t, 'GET', '/user/nothing/here/at-all'), 404, 'not_found');
      refused(await request(t, 'PUT', '/user/me'), 404, 'not_found');
      refused(await request(t, 'DELETE', '/user/login'), 404, 'not_found');
      refused(await request(t, 'GET', `/user/${'%E0%A4%A'.repeat(3)}`), 400);
    } finally {
      await t.close();
    }
  });

  it('documents every route under `seed 002`, with the signed-in routes’ permission', async () => {
    const t = await buildTestApp({ env: { ROSTER_COMPAT: '002' } });
    try {
      const doc = (await request(t, 'GET', '/openapi.json')).json();
      assert.ok(doc.tags.some((tag: Json) => tag.name === 'seed 002'));
      const ops: [string, string, string | null][] = [
        ['/user/create', 'post', null],
        ['/user/verify-email', 'post', null],
        ['/user/login', 'post', null],
        ['/user/do-2fa', 'post', null],
        ['/user/code', 'get', null],
        ['/user/reset-password', 'post', null],
        ['/user/enable-2fa', 'post', 'mfa:write'],
        ['/user/logout', 'post', 'sessions:write'],
        ['/user/logout-all', 'post', 'sessions:write'],
        ['/user/me', 'get', 'profile:read'],
        ['/user/me', 'patch', 'profile:write'],
        ['/user/{userId}', 'get', 'profile:read'],
        ['/user/private', 'post', 'profile:write'],
        ['/user/block', 'post', 'social:block:write'],
        ['/user/unblock', 'post', 'social:block:write'],
        ['/user/follow', 'post', 'social:follow:write'],
        ['/user/unfollow', 'post', 'social:follow:write'],
        ['/user/followers', 'get', 'social:follow:read'],
        ['/user/following', 'get', 'social:follow:read'],
        ['/user/{userId}/followers', 'get', 'social:follow:read'],
        ['/user/{userId}/following', 'get', 'social:follow:read'],
        ['/user/follow-requests', 'get', 'social:follow:read'],
        ['/user/follow-request', 'patch', 'social:follow:write'],
        ['/user/follow-entry', 'delete', 'social:follow:write'],
        ['/user/search', 'post', 'profile:search'],
        ['/user/invite-codes', 'get', 'invite-code:read'],
        ['/user/profile-picture', 'patch', 'profile:write'],
      ];
      for (const [path, method, permission] of ops) {
        const op = doc.paths[path]?.[method];
        assert.ok(op, `${method} ${path}`);
        assert.deepEqual(op.tags, ['seed 002'], `${method} ${path}`);
        if (permission) assert.deepEqual(op.security, [{ bearer: [permission] }]);
        const failure = op.responses['4XX'].content['application/json'].schema;
        assert.deepEqual(Object.keys(failure.properties), ['ok', 'error']);
      }
      assert.match(doc.paths['/user/enable-2fa'].post.description, /Path chosen by Roster/);
    } finally {
      await t.close();
    }
  });

  it('sets the login cookie Secure when PUBLIC_URL is https', async () => {
    const t = await buildTestApp({
      env: { PUBLIC_URL: 'https://roster.test', ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' },
    });
    try {
      const user = {
        ...CREATE_SAMPLE,
        phoneCountryCode: '+1',
        phone: '4155552671',
        email: freshEmail('secure'),
      };
      ok(await request(t, 'POST', '/user/create', { body: user }));
      const res = await request(t, 'POST', '/user/login', {
        body: { email: user.email, password: user.password },
      });
      dataOf(res);
      assert.match(sessionCookieOf(res)!.attributes, /Secure/);
    } finally {
      await t.close();
    }
  });
});
