// Behind a trusted proxy (TRUST_PROXY) the client address comes from
// X-Forwarded-For, which the client writes in part. Only an IP address is
// believed: anything else ("x visit https://phish…") would otherwise be shown
// as the client in the session list, the audit and the password-changed mail.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { get, login, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { freshEmail, verifiedAccount } from '../helpers/factories.ts';
import { captureLog } from '../helpers/log-capture.ts';

describe(`a forwarded address that is not an IP is not believed (${testDialect})`, () => {
  let t: TestApp;
  const log = captureLog();
  before(async () => {
    t = await buildTestApp({
      logger: log.logger,
      env: { TRUST_PROXY: '127.0.0.1', ROSTER_RATE_LIMIT_IP_FACTOR: '0' },
    });
  });
  after(() => t.close());

  async function signInFrom(forwardedFor: string): Promise<{ sessionIp: string; auditIps: string[] }> {
    const email = freshEmail('fwd-ip');
    const { id: userId } = await verifiedAccount(t, { email });
    const res = await login(t, email, 'violet kettle drums 4 seasons', { 'x-forwarded-for': forwardedFor });
    assert.equal(res.statusCode, 200, res.body);
    const list = (await get(t, '/v1/sessions', res.json().accessToken)).json() as { items: { ip: string }[] };
    assert.equal(list.items.length, 1);
    const audit = await t.db.database.db
      .selectFrom('audit_events')
      .select('ip')
      .where('user_id', '=', userId)
      .execute();
    assert.ok(audit.length > 0);
    return { sessionIp: list.items[0]!.ip, auditIps: [...new Set(audit.map((a) => a.ip ?? ''))] };
  }

  for (const forged of ['x visit https://phish.example', 'not-an-ip', '203.0.113.7 <b>', '999.1.1.1']) {
    it(`"${forged}" gives way to the socket address`, async () => {
      const { sessionIp, auditIps } = await signInFrom(forged);
      assert.equal(sessionIp, '127.0.0.1');
      assert.deepEqual(auditIps, ['127.0.0.1']);
    });
  }

  it('the request log never shows a forwarded value that is no address', async () => {
    const res = await request(t, 'GET', '/v1/tags?q=a', {
      headers: { 'x-forwarded-for': 'x visit https://phish.example' },
    });
    const lines = log.lines.filter((l) => l.reqId === res.headers['x-request-id'] && l.req);
    assert.ok(lines.length > 0);
    for (const line of lines) assert.equal((line.req as { ip: string }).ip, '[not an address]');
    assert.doesNotMatch(log.text(), /phish\.example/);
  });

  it('a forwarded IPv4 or IPv6 address is still believed', async () => {
    assert.equal((await signInFrom('203.0.113.7')).sessionIp, '203.0.113.7');
    assert.equal((await signInFrom('2001:db8::7')).sessionIp, '2001:db8::7');
  });
});
