// Routes declare the permission they need. A token whose scope does not grant
// it (an OAuth client's narrow token, say) gets 403 `insufficient_scope`
// before the handler runs, with a WWW-Authenticate naming the scope to ask
// for; first-party sessions hold every user permission; a service key without
// the route's scope is refused with 403 `forbidden`, as before.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compose, type Roster } from '../../src/compose.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { inTransaction } from '../../src/platform/db/executor.ts';
import { SYSTEM_CONTEXT } from '../../src/platform/request-context.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { testDialect } from '../helpers/dialect.ts';

const PASSWORD = 'narrow scopes passphrase';

describe(`route scopes (${testDialect})`, () => {
  let t: TestApp;
  /** A second node on the same database: it opens sessions no route opens yet. */
  let node: Roster;
  let user: { id: string; token: string };

  /** A session of the user whose tokens carry only `scope` (what an OAuth grant will open). */
  async function narrowSession(scope: string, userId = user.id) {
    return inTransaction(t.db.database.db, (trx) =>
      node.sessions.startSession(trx, { userId, amr: ['pwd'], context: SYSTEM_CONTEXT, scope }),
    );
  }
  const call = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    token: string,
    payload?: object,
  ) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload ? { payload } : {}),
    });
  function assertInsufficientScope(res: Awaited<ReturnType<typeof call>>, scope: string, what: string) {
    assert.equal(res.statusCode, 403, `${what}: ${res.body}`);
    assert.equal(res.json().code, 'insufficient_scope', what);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/, what);
    assert.equal(
      res.headers['www-authenticate'],
      `Bearer error="insufficient_scope", scope="${scope}"`,
      what,
    );
  }

  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
    node = compose(t.config, t.db.database, systemClock, t.app.log);
    await node.keys.start();
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: 'scopes@example.com', password: PASSWORD },
    });
    assert.equal(res.statusCode, 201);
    user = { id: res.json().user.id, token: res.json().session.accessToken };
  });
  after(async () => {
    node.keys.stop();
    await node.stop();
    await t.close();
  });

  it('a profile:read token reads the profile (200) and may not change it (403, nothing changed)', async () => {
    const { accessToken } = await narrowSession('delegated:profile:read');
    const read = await call('GET', '/v1/me', accessToken);
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().id, user.id);

    const patched = await call('PATCH', '/v1/me', accessToken, { headline: 'Changed by a narrow token' });
    assertInsufficientScope(patched, 'delegated:profile:write', 'PATCH /v1/me');
    assert.equal((await call('GET', '/v1/me', accessToken)).json().headline, read.json().headline);
  });

  it('refuses every route outside the scope before its handler runs', async () => {
    const { accessToken } = await narrowSession('delegated:profile:read');
    const outside = [
      ['GET', '/v1/users', 'delegated:profile:search'],
      ['GET', `/v1/users/${user.id}/followers`, 'delegated:social:follow:read'],
      ['GET', '/v1/me/invite-codes', 'delegated:social:invite-code:read'],
      ['GET', '/v1/me/mfa', 'user'],
      ['GET', '/v1/sessions', 'user'],
      ['DELETE', '/v1/sessions', 'user'],
    ] as const;
    for (const [method, url, scope] of outside) {
      assertInsufficientScope(await call(method, url, accessToken), scope, `${method} ${url}`);
    }
    const introspect = await call('POST', '/v1/tokens/introspect', accessToken, { token: accessToken });
    assertInsufficientScope(introspect, 'user', 'POST /v1/tokens/introspect');
    // DELETE /v1/sessions did not run: the sign-up's session is still live.
    assert.equal((await call('GET', '/v1/me', user.token)).statusCode, 200);
  });

  it('a refreshed narrow session keeps its scope', async () => {
    const { refreshToken } = await narrowSession('delegated:profile:read');
    const refreshed = await t.app.inject({
      method: 'POST',
      url: '/v1/sessions/refresh',
      payload: { refreshToken },
    });
    assert.equal(refreshed.statusCode, 200);
    const { accessToken } = refreshed.json();
    assert.equal((await call('GET', '/v1/me', accessToken)).statusCode, 200);
    assertInsufficientScope(
      await call('PATCH', '/v1/me', accessToken, { headline: 'x' }),
      'delegated:profile:write',
      'PATCH after refresh',
    );
  });

  it('scopes that name no native permission (OpenID ones, unknown words) grant nothing', async () => {
    for (const scope of ['openid profile email', 'profile:read', 'admin']) {
      const { accessToken } = await narrowSession(scope);
      assertInsufficientScope(await call('GET', '/v1/me', accessToken), 'delegated:profile:read', scope);
    }
  });

  it('the first-party session holds every user permission', async () => {
    const patched = await call('PATCH', '/v1/me', user.token, { headline: 'Changed by my own session' });
    assert.equal(patched.statusCode, 200);
    assert.equal(patched.json().headline, 'Changed by my own session');
    const own = await call('POST', '/v1/tokens/introspect', user.token, { token: user.token });
    assert.equal(own.json().active, true);
  });

  it("an admin's narrow token does not reach the staff look-ups: the scope is checked, not only the role", async () => {
    await t.db.database.db.updateTable('users').set({ role: 'admin' }).where('id', '=', user.id).execute();
    try {
      const url = '/v1/users/exists?email=scopes@example.com';
      assert.equal((await call('GET', url, user.token)).statusCode, 200, 'the admin’s own session may');
      const { accessToken } = await narrowSession('delegated:profile:read');
      assertInsufficientScope(await call('GET', url, accessToken), 'user', url);
    } finally {
      await t.db.database.db.updateTable('users').set({ role: 'user' }).where('id', '=', user.id).execute();
    }
  });

  it("an admin's narrow token sees others as anyone does: staff roles need a staff permission too", async () => {
    await t.db.database.db.updateTable('users').set({ role: 'admin' }).where('id', '=', user.id).execute();
    try {
      const viewer = await t.app.inject({
        method: 'POST',
        url: '/v1/accounts',
        payload: { email: 'scopes-viewer@example.com', password: PASSWORD },
      });
      const other = viewer.json().user.id as string;
      await t.db.database.db.updateTable('users').set({ role: 'admin' }).where('id', '=', other).execute();
      const roleOf = async (token: string) => (await call('GET', `/v1/users/${other}`, token)).json().role;
      const admins = async (token: string) =>
        (await call('GET', '/v1/users?role=admin', token)).json().items.map((u: { id: string }) => u.id);
      assert.equal(await roleOf(user.token), 'admin', 'the admin’s own session sees the staff role');
      assert.ok((await admins(user.token)).includes(other));
      const read = await narrowSession('delegated:profile:read');
      assert.equal(await roleOf(read.accessToken), 'user', 'a narrow token sees the public role');
      const search = await narrowSession('delegated:profile:search');
      assert.deepEqual(await admins(search.accessToken), [], 'and cannot list the staff');
    } finally {
      await t.db.database.db.updateTable('users').set({ role: 'user' }).where('id', '=', user.id).execute();
    }
  });

  it('the relationship tells a follows-only token nothing of blocks and bookmarks', async () => {
    const other = await t.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: 'scopes-other@example.com', password: PASSWORD },
    });
    const otherId = other.json().user.id as string;
    assert.equal((await call('PUT', `/v1/me/bookmarks/${otherId}`, user.token)).statusCode, 204);
    const relation = async (token: string) =>
      (await call('GET', `/v1/users/${otherId}/relationship`, token)).json();
    assert.equal((await relation(user.token)).bookmarked, true, 'the first-party session sees its bookmark');
    const follows = await narrowSession('delegated:social:follow:read');
    assert.equal((await relation(follows.accessToken)).bookmarked, false);
    assert.equal((await call('POST', `/v1/users/${otherId}/block`, user.token)).statusCode, 204);
    assert.equal((await relation(user.token)).blocking, true);
    assert.equal((await relation(follows.accessToken)).blocking, false);
  });

  it('a service key without the route’s scope is refused as before: 403 forbidden', async () => {
    const { key } = await node.apiKeys.create('reader', ['users:read']);
    const introspect = await call('POST', '/v1/tokens/introspect', key, { token: user.token });
    assert.equal(introspect.statusCode, 403);
    assert.equal(introspect.json().code, 'forbidden');
    const me = await call('GET', '/v1/me', key);
    assert.equal(me.statusCode, 403);
    assert.equal(me.json().code, 'forbidden');
    const allowed = await call('GET', '/v1/users/exists?email=scopes@example.com', key);
    assert.deepEqual(allowed.json(), { exists: true });
  });
});
