// The SMTP adapter against a real SMTP server on localhost.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSmtpServer, type TestSmtpServer } from '../../../test/helpers/smtp-server.ts';
import { createMailer } from './create-mailer.ts';
import { type Mailer, MailRejectedError } from './mailer.ts';
import { createSmtpMailer } from './smtp-mailer.ts';

const message = {
  to: 'ada@example.com',
  subject: 'Grüße from Roster',
  text: 'Your code is 123456.\nhttps://roster.example/verify?token=abc&x=1',
  html: '<p>Your code is <b>123456</b></p>',
};

describe('smtp mailer', () => {
  let server: TestSmtpServer;
  let mailer: Mailer;
  before(async () => {
    server = await startSmtpServer();
    mailer = createSmtpMailer({ url: server.url, from: 'Roster <no-reply@roster.example>' });
  });
  after(async () => {
    await mailer.close?.();
    await server.close();
  });

  it('delivers text and html with the configured sender', async () => {
    await mailer.send({ ...message, deliveryId: '0190d2c0-0000-7000-8000-00000000000a' });
    const mail = await server.waitFor((m) => m.envelopeTo.includes('ada@example.com'));
    assert.equal(mail.envelopeFrom, 'no-reply@roster.example');
    assert.equal(mail.headers.get('from'), 'Roster <no-reply@roster.example>');
    assert.equal(mail.subject, message.subject);
    assert.equal(mail.text, message.text);
    assert.equal(mail.html, message.html);
    assert.equal(mail.headers.get('message-id'), '<0190d2c0-0000-7000-8000-00000000000a@roster.example>');
    assert.equal(mail.headers.get('auto-submitted'), 'auto-generated');
  });

  it('reports a recipient refused for good (5xx) as permanent', async () => {
    server.reject({ code: 550, message: 'no such mailbox' });
    try {
      await assert.rejects(mailer.send({ ...message, to: 'gone@example.com' }), (error: unknown) => {
        assert.ok(error instanceof MailRejectedError);
        assert.match(error.message, /no such mailbox/);
        return true;
      });
    } finally {
      server.reject(null);
    }
  });

  it('leaves a temporary refusal (4xx) and a refused DATA to retries', async () => {
    for (const rejection of [
      { code: 451, message: 'try later' },
      { code: 554, message: 'content refused', stage: 'data' as const },
    ]) {
      server.reject(rejection);
      try {
        await assert.rejects(mailer.send(message), (error: unknown) => {
          assert.ok(!(error instanceof MailRejectedError));
          assert.match(String(error), new RegExp(rejection.message));
          return true;
        });
      } finally {
        server.reject(null);
      }
    }
  });

  it('fails (to be retried) when the server is down', async () => {
    const down = await startSmtpServer();
    await down.close();
    const lonely = createSmtpMailer({ url: down.url, from: 'no-reply@roster.example' });
    await assert.rejects(lonely.send(message), (error: unknown) => !(error instanceof MailRejectedError));
    await lonely.close?.();
  });

  it('is what createMailer picks when SMTP_URL is set', async () => {
    const configured = createMailer({
      smtpUrl: server.url,
      mailFrom: 'Roster <x@roster.example>',
      dataDir: '/nonexistent',
    });
    await configured.send({ ...message, to: 'via-config@example.com' });
    const mail = await server.waitFor((m) => m.envelopeTo.includes('via-config@example.com'));
    assert.equal(mail.envelopeFrom, 'x@roster.example');
    await configured.close?.();
  });

  it('refuses a message for more than one recipient', async () => {
    await assert.rejects(mailer.send({ ...message, to: 'ada@example.com, eve@evil.example' }), /exactly one/);
  });
});
