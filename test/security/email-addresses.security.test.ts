// An email address is a mailbox: only a plain addr-spec is taken, stored in
// one spelling (lower case, punycode, no trailing dot, NFC), and the mail goes
// exactly there. Addresses a mail parser would read as another mailbox
// (comments, display names, angle brackets, groups) are a 422 wherever an
// address is taken, and a sign-in with one answers as for an unknown account.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialect } from '../helpers/dialect.ts';
import { countUsers } from '../helpers/factories.ts';
import { codeOf, type Flow, type FlowReply, freshPassword, SUBJECT, startFlow } from '../helpers/flow.ts';

const HOSTILE = [
  'ceo@corp.com(x).evil.com',
  'ceo.corp.com<attacker@evil.com>',
  'boss:attacker2@evil.com',
  'Ceo <attacker@evil.com>',
  '"ceo@corp.com"@evil.com',
  'ceo@corp.com, attacker@evil.com',
  'ceo@[192.0.2.1]',
];

describe(`email addresses are mailboxes (${testDialect})`, () => {
  let flow: Flow;
  before(async () => {
    flow = await startFlow();
  });
  after(() => flow.close());

  /**
   * The mail whose To header is exactly `to` (as nodemailer wrote it). The
   * test server shows envelope domains decoded from punycode, so the header
   * is where the address we sent is seen as sent.
   */
  const mailTo = (to: string, subject: RegExp) =>
    flow.smtp.waitFor((m) => m.headers.get('to') === to && subject.test(m.subject));

  function assertEmailRefused(reply: FlowReply): void {
    assert.equal(reply.status, 422, JSON.stringify(reply.body));
    assert.equal(reply.body.code, 'validation_failed');
    assert.deepEqual(
      reply.body.errors.map((e: { path: string }) => e.path),
      ['email'],
    );
  }

  it('sign-up with an address that parses as another mailbox: 422 on email, no account, no mail', async () => {
    const users = await countUsers(flow.t);
    const mails = flow.smtp.messages.length;
    for (const email of HOSTILE) {
      assertEmailRefused(
        await flow.call('POST', '/v1/accounts', { body: { email, password: freshPassword() } }),
      );
    }
    assert.equal(await countUsers(flow.t), users);
    assert.equal(flow.smtp.messages.length, mails, 'no mail went out');
  });

  it('verify-email, resend and forgot-password refuse them alike', async () => {
    const mails = flow.smtp.messages.length;
    for (const email of HOSTILE) {
      assertEmailRefused(await flow.call('POST', '/v1/accounts/verify-email/resend', { body: { email } }));
      assertEmailRefused(await flow.call('POST', '/v1/password/forgot', { body: { email } }));
      assertEmailRefused(
        await flow.call('POST', '/v1/accounts/verify-email', { body: { email, code: '123456' } }),
      );
    }
    assert.equal(flow.smtp.messages.length, mails, 'no mail went out');
  });

  it('one mailbox, one account: every spelling lands on the stored address', async () => {
    const password = freshPassword();
    const stored = 'ada.lovelace@xn--bcher-kva.example';
    const reply = await flow.call('POST', '/v1/accounts', {
      body: { email: '  Ada.Lovelace@Bücher.Example.  ', password },
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    assert.equal(reply.body.user.email, stored);
    const mail = await mailTo(stored, SUBJECT.verify);

    const verified = await flow.call('POST', '/v1/accounts/verify-email', {
      body: { email: 'ada.lovelace@XN--BCHER-KVA.example.', code: codeOf(mail), password },
    });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));

    // Decomposed ü (NFC), upper case: the same mailbox, so no second account;
    // the reply is a new sign-up's, and the notice goes to the stored address.
    const again = await flow.call('POST', '/v1/accounts', {
      body: { email: 'ADA.LOVELACE@bu\u0308cher.EXAMPLE', password: freshPassword() },
    });
    assert.equal(again.status, 201);
    assert.equal(await countUsers(flow.t, stored), 1);
    await mailTo(stored, SUBJECT.signupAttempt);
    await flow.login('Ada.Lovelace@bücher.example', password);
  });

  it('sign-in with an address that is no mailbox answers as for an unknown account', async () => {
    const password = freshPassword();
    const unknown = await flow.call('POST', '/v1/sessions', {
      body: { identifier: 'nobody-here@example.com', password },
    });
    assert.equal(unknown.status, 401);
    for (const identifier of HOSTILE) {
      const reply = await flow.call('POST', '/v1/sessions', { body: { identifier, password } });
      assert.equal(reply.status, unknown.status, identifier);
      const { requestId: _a, ...body } = reply.body;
      const { requestId: _b, ...expected } = unknown.body;
      assert.deepEqual(body, expected, identifier);
    }
  });
});
