// Every template: the code and links reach both parts; nothing reaches the HTML unescaped.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkedLink, escapeHtml, html } from './html.ts';
import {
  accountDeleted,
  loginCode,
  type MailContent,
  passwordChanged,
  passwordResetCode,
  signupAttempt,
  verifyEmail,
} from './index.ts';

const EVIL = '<script>alert(1)</script>';
const LINK = 'https://id.example.com/verify?token=a1&email=ada%40example.com';

function assertEscaped(mail: MailContent): void {
  assert.ok(!/<script/i.test(mail.html), 'no raw <script> in the HTML');
  assert.ok(!mail.html.includes('"><script'), 'no attribute break-out');
}

describe('mail templates', () => {
  it('escapes text in HTML: & < > " and quotes', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(html`<p>${EVIL}</p>`.value, '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    assert.equal(
      html`<p>${html`<b>${'a&b'}</b>`}</p>`.value,
      '<p><b>a&amp;b</b></p>',
      'nested SafeHtml kept',
    );
  });

  it('verifyEmail: the code, the link and the lifetime in both parts', () => {
    const mail = verifyEmail({ code: '123456', link: LINK, minutes: 15 });
    for (const part of [mail.text, mail.html]) {
      assert.ok(part.includes('123456'));
      assert.ok(part.includes('15 minutes'));
    }
    assert.ok(mail.text.includes(LINK));
    assert.ok(mail.html.includes(`href="${LINK.replaceAll('&', '&amp;')}"`), 'link escaped in the attribute');
    assert.match(mail.subject, /Roster/);
  });

  it('escapes a hostile code, link and product name', () => {
    const hostileLink = `https://id.example.com/x?q="><script>alert(1)</script>`;
    const mails = [
      verifyEmail({ code: EVIL, link: hostileLink, minutes: 15, appName: EVIL }),
      passwordResetCode({ code: EVIL, link: hostileLink, minutes: 15 }),
      loginCode({ code: EVIL, minutes: 10, appName: EVIL }),
      signupAttempt({ loginLink: hostileLink, resetLink: hostileLink }),
      passwordChanged({ when: '2026-01-01T09:30:00Z', ip: EVIL, resetLink: hostileLink }),
      accountDeleted({ appName: EVIL }),
    ];
    for (const mail of mails) assertEscaped(mail);
    assert.ok(mails[0]!.html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(mails[0]!.text.includes(EVIL), 'the text part is plain text, not escaped');
  });

  it('refuses links that are not http(s)', () => {
    assert.throws(() => verifyEmail({ code: '1', link: 'javascript:alert(1)', minutes: 1 }), /http/);
    assert.throws(() => checkedLink('data:text/html,hi'), /http/);
  });

  it('passwordResetCode, loginCode: the code in both parts', () => {
    for (const mail of [
      passwordResetCode({ code: '246810', link: LINK, minutes: 15 }),
      loginCode({ code: '246810', minutes: 10 }),
    ]) {
      assert.ok(mail.text.includes('246810') && mail.html.includes('246810'));
    }
  });

  it('signupAttempt: both links, and no code', () => {
    const mail = signupAttempt({
      loginLink: 'https://id.example.com/login',
      resetLink: 'https://id.example.com/reset',
    });
    for (const part of [mail.text, mail.html]) {
      assert.ok(part.includes('https://id.example.com/login'));
      assert.ok(part.includes('https://id.example.com/reset'));
    }
  });

  it('signupAttempt without a sign-in page: the reset link, and the reader sent to their app', () => {
    const mail = signupAttempt({ resetLink: 'https://id.example.com/forgot-password' });
    for (const part of [mail.text, mail.html]) {
      assert.ok(part.includes('https://id.example.com/forgot-password'));
      assert.ok(part.includes('Sign in from the app you use it with.'));
      assert.ok(!part.includes('/login'));
    }
  });

  it('passwordChanged: when (UTC) and where', () => {
    const mail = passwordChanged({ when: new Date('2026-01-01T09:30:00Z'), ip: '203.0.113.7' });
    for (const part of [mail.text, mail.html]) {
      assert.ok(part.includes('2026-01-01 09:30 UTC'));
      assert.ok(part.includes('203.0.113.7'));
    }
    assert.ok(!passwordChanged({ when: '2026-01-01T00:00:00Z' }).text.includes('IP address'));
  });

  it('accountDeleted and appName', () => {
    assert.match(accountDeleted().subject, /Roster account was deleted/);
    assert.match(accountDeleted({ appName: 'Acme ID' }).text, /Acme ID account/);
  });
});
