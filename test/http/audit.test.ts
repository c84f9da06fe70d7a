// Security events land in audit_events with the caller's IP and user agent,
// and never with secrets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { login, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { session, signUp } from '../helpers/factories.ts';

const PASSWORD = 'audit trail passphrase';
const UA = { 'user-agent': 'audit-test/1.0' };

describe(`audit trail (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => t.close());

  it('records sign-up, failed and good sign-ins, password change and deletion', async () => {
    const {
      account: { id: userId },
    } = await signUp(t, { email: 'audit@example.com', password: PASSWORD, headers: UA });
    assert.equal((await login(t, 'audit@example.com', 'wrong passphrase here', UA)).statusCode, 401);
    const { accessToken } = await session(t, 'audit@example.com', PASSWORD, UA);
    const changed = await request(t, 'PUT', '/v1/me/password', {
      token: accessToken,
      body: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
      headers: UA,
    });
    assert.equal(changed.statusCode, 204);
    const deleted = await request(t, 'DELETE', '/v1/me', {
      token: accessToken,
      body: { password: 'a brand new passphrase' },
      headers: UA,
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
