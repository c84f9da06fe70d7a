// Request headers a client controls do not steer security decisions: mail
// links come from PUBLIC_URL whatever Host says, and X-Forwarded-For is
// believed only from a proxy named in TRUST_PROXY.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertRateLimited, get, login, post, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { freshEmail, markVerified, STRONG_PASSWORD, session, verifiedAccount } from '../helpers/factories.ts';
import { type ReceivedMail, startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';

const HOSTILE_HEADERS = {
  host: 'evil.example',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'https',
  forwarded: 'host=evil.example;proto=https',
  origin: 'https://evil.example',
  referer: 'https://evil.example/signup',
};

function linksOf(mail: ReceivedMail): string[] {
  const found = [...mail.text.matchAll(/https?:\/\/[^\s"'<>]+/g), ...mail.html.matchAll(/href="([^"]+)"/g)];
  return found.map((m) => m[1] ?? m[0]);
}

function assertTrustedLinks(mail: ReceivedMail): void {
  const links = linksOf(mail);
  assert.ok(links.length > 0, `the mail has links: ${mail.text}`);
  for (const link of links) assert.ok(link.startsWith('http://roster.test/'), `link ${link}`);
  assert.doesNotMatch(mail.raw, /evil\.example/);
}

describe(`mail links use PUBLIC_URL (${testDialect})`, () => {
  let smtp: TestSmtpServer;
  const apps: TestApp[] = [];

  before(async () => {
    smtp = await startSmtpServer();
  });
  after(async () => {
    for (const app of apps) await app.close();
    await smtp.close();
  });

  for (const trust of [null, '127.0.0.1']) {
    it(`verification, reset and sign-up-attempt mails ignore a hostile Host (TRUST_PROXY ${trust ?? 'unset'})`, async () => {
      const t = await buildTestApp({
        env: {
          SMTP_URL: smtp.url,
          ROSTER_RATE_LIMIT_IP_FACTOR: '0',
          ...(trust ? { TRUST_PROXY: trust } : {}),
        },
      });
      apps.push(t);
      const email = freshEmail('links');
      const to = (subject: RegExp) => (m: ReceivedMail) =>
        m.envelopeTo.includes(email) && subject.test(m.subject);

      const signUp = await post(t, '/v1/accounts', { email, password: STRONG_PASSWORD }, HOSTILE_HEADERS);
      assert.equal(signUp.statusCode, 201, signUp.body);
      const verify = await smtp.waitFor(to(/verify/i));
      assertTrustedLinks(verify);
      assert.ok(linksOf(verify).some((l) => l.startsWith('http://roster.test/verify-email')));

      await markVerified(t, email); // a verified address is taken: a new sign-up gets a notice mail
      const forgot = await post(t, '/v1/password/forgot', { email }, HOSTILE_HEADERS);
      assert.equal(forgot.statusCode, 202);
      assertTrustedLinks(await smtp.waitFor(to(/reset|password/i)));

      const again = await post(t, '/v1/accounts', { email, password: STRONG_PASSWORD }, HOSTILE_HEADERS);
      assert.equal(again.statusCode, 201);
      assertTrustedLinks(await smtp.waitFor(to(/tried to sign up/i)));
    });
  }
});

describe(`X-Forwarded-For and TRUST_PROXY (${testDialect})`, () => {
  const apps: TestApp[] = [];
  after(async () => {
    for (const app of apps) await app.close();
  });

  async function app(env: Record<string, string> = {}): Promise<TestApp> {
    const t = await buildTestApp({ env });
    apps.push(t);
    return t;
  }

  async function sessionIp(t: TestApp, headers: Record<string, string>, remoteAddress?: string) {
    const { email } = await verifiedAccount(t, { label: 'xff' });
    const res = await request(t, 'POST', '/v1/sessions', {
      headers,
      body: { identifier: email, password: STRONG_PASSWORD },
      ...(remoteAddress ? { remoteAddress } : {}),
    });
    assert.equal(res.statusCode, 200, res.body);
    const { accessToken } = res.json() as { accessToken: string };
    const list = (await get(t, '/v1/sessions', accessToken)).json() as { items: { ip: string }[] };
    assert.equal(list.items.length, 1);
    return list.items[0]!.ip;
  }

  it('without TRUST_PROXY the socket address is the client, whatever the headers say', async () => {
    const t = await app({ ROSTER_RATE_LIMIT_IP_FACTOR: '0' });
    const ip = await sessionIp(t, {
      'x-forwarded-for': '203.0.113.7',
      'x-real-ip': '203.0.113.8',
      forwarded: 'for=203.0.113.9',
    });
    assert.equal(ip, '127.0.0.1');

    // Nor does a refresh with a forged header move the session's address.
    const { email } = await verifiedAccount(t, { label: 'xff-refresh' });
    const s = await session(t, email);
    const refreshed = await post(
      t,
      '/v1/sessions/refresh',
      { refreshToken: s.refreshToken },
      { 'x-forwarded-for': '203.0.113.10' },
    );
    assert.equal(refreshed.statusCode, 200);
    const list = (await get(t, '/v1/sessions', refreshed.json().accessToken)).json() as {
      items: { ip: string }[];
    };
    assert.deepEqual(
      list.items.map((i) => i.ip),
      ['127.0.0.1'],
    );
  });

  it('without TRUST_PROXY a forged X-Forwarded-For per request does not escape the per-IP limit', async () => {
    const t = await app({ ROSTER_RATE_LIMIT_IP_FACTOR: '0.05' }); // 5 logins per 15 min per address
    for (let i = 0; i < 5; i++) {
      const res = await login(t, freshEmail('rotate'), 'wrong password', {
        'x-forwarded-for': `203.0.113.${i}`,
      });
      assert.equal(res.statusCode, 401);
    }
    assertRateLimited(
      await login(t, freshEmail('rotate'), 'wrong password', { 'x-forwarded-for': '203.0.113.99' }),
    );
  });

  it('with TRUST_PROXY=127.0.0.1 the forwarded address is believed, one hop only', async () => {
    const t = await app({ TRUST_PROXY: '127.0.0.1', ROSTER_RATE_LIMIT_IP_FACTOR: '0' });
    assert.equal(await sessionIp(t, { 'x-forwarded-for': '203.0.113.7' }), '203.0.113.7');
    // A client-supplied entry in front of what the proxy appended is not believed.
    assert.equal(await sessionIp(t, { 'x-forwarded-for': '10.9.8.7, 198.51.100.9' }), '198.51.100.9');
    // A peer that is not the trusted proxy cannot set its address by header.
    assert.equal(await sessionIp(t, { 'x-forwarded-for': '203.0.113.7' }, '198.51.100.50'), '198.51.100.50');
  });

  it('with TRUST_PROXY the per-IP limit counts the forwarded client address', async () => {
    const t = await app({ TRUST_PROXY: '127.0.0.1', ROSTER_RATE_LIMIT_IP_FACTOR: '0.05' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    for (let i = 0; i < 5; i++)
      assert.equal(
        (await login(t, freshEmail('fwd'), 'wrong password', from('203.0.113.50'))).statusCode,
        401,
      );
    assertRateLimited(await login(t, freshEmail('fwd'), 'wrong password', from('203.0.113.50')));
    assert.equal((await login(t, freshEmail('fwd'), 'wrong password', from('203.0.113.51'))).statusCode, 401);
  });
});
