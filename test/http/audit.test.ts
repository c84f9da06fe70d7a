// Security events land in audit_events with the caller's IP and user agent,
// and never with secrets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { testDialect } from '../helpers/dialect.ts';

const PASSWORD = 'audit trail passphrase';
const UA = { 'user-agent': 'audit-test/1.0' };

describe(`audit trail (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => t.close());

  it('records sign-up, failed and good sign-ins, password change and deletion', async () => {
    const signUp = await t.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: UA,
      payload: { email: 'audit@example.com', password: PASSWORD },
    });
    assert.equal(signUp.statusCode, 201);
    const userId = signUp.json().user.id as string;
    const login = (password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/v1/sessions',
        headers: UA,
        payload: { identifier: 'audit@example.com', password },
      });
    assert.equal((await login('wrong passphrase here')).statusCode, 401);
    const { accessToken } = (await login(PASSWORD)).json();
    const auth = { ...UA, authorization: `Bearer ${accessToken}` };
    const changed = await t.app.inject({
      method: 'PUT',
      url: '/v1/me/password',
      headers: auth,
      payload: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
    });
    assert.equal(changed.statusCode, 204);
    const deleted = await t.app.inject({
      method: 'DELETE',
      url: '/v1/me',
      headers: auth,
      payload: { password: 'a brand new passphrase' },
    });
    assert.equal(deleted.statusCode, 204);

    const events = await t.db.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('id')
      .execute();
    assert.deepEqual(
      events.map((e) => e.type),
      ['account.created', 'login.failed', 'login.succeeded', 'password.changed', 'account.deleted'],
    );
    assert.ok(events.every((e) => e.ip === '127.0.0.1' && e.user_agent === 'audit-test/1.0'));
    const text = JSON.stringify(events);
    assert.doesNotMatch(
      text,
      /audit trail passphrase|brand new passphrase|audit@example\.com/,
      'no secrets or addresses',
    );
  });
});
