// Mail relays and SMS gateways quote what they refused: the recipient, the
// number, the text with its live code. None of it may reach the outbox row's
// last_error or a log line.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { redactText, redactUrl } from '../../src/platform/logger.ts';
import type { Mailer } from '../../src/platform/mailer/mailer.ts';
import { createSmtpMailer } from '../../src/platform/mailer/smtp-mailer.ts';
import { findOutboxMessage } from '../../src/platform/outbox/outbox.repository.ts';
import { enqueueMail, mailSender } from '../../src/platform/outbox/outbox.service.ts';
import { createOutboxWorker } from '../../src/platform/outbox/outbox-worker.ts';
import { enqueueSms, smsOutboxSender } from '../../src/platform/sms/sms-queue.ts';
import { createWebhookSmsSender } from '../../src/platform/sms/webhook-sms-sender.ts';
import { testDialect } from '../helpers/dialect.ts';
import { captureLog } from '../helpers/log-capture.ts';
import { startSmsWebhook, type TestSmsWebhook } from '../helpers/sms-webhook.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

const NUMBER = '+4915199887700';
const CODE = '182968';
const ADDRESS = 'someone@example.com';

/** Neither the address, the number (however spaced) nor the code. */
function assertClean(text: string): void {
  assert.ok(!text.includes(ADDRESS) && !text.includes('someone'), text);
  assert.ok(!text.replace(/[\s-]/g, '').includes(NUMBER.slice(1)), text);
  assert.ok(!text.includes(CODE), text);
}

describe(`provider error text is redacted (${testDialect})`, () => {
  let t: TestDatabase;
  let smtp: TestSmtpServer;
  let webhook: TestSmsWebhook;
  let mailer: Mailer;

  before(async () => {
    t = await createTestDatabase();
    smtp = await startSmtpServer();
    webhook = await startSmsWebhook();
    mailer = createSmtpMailer({ url: smtp.url, from: 'Roster <no-reply@roster.example>' });
  });
  after(async () => {
    await mailer.close?.();
    await smtp.close();
    await webhook.close();
    await t.drop();
  });
  beforeEach(async () => {
    await t.database.db.deleteFrom('outbox_messages').execute();
    smtp.reject(null);
    webhook.respondWith(null);
  });

  it('a relay that refuses the recipient and quotes it: the row and the log keep the reason, not the address', async () => {
    const clock = new ManualClock();
    const log = captureLog();
    smtp.reject({ code: 550, message: (to) => `5.1.1 <${to}>: Recipient address rejected: User unknown` });
    const worker = createOutboxWorker({
      database: t.database,
      senders: { mail: mailSender(mailer) },
      clock,
      logger: log.logger,
    });
    const id = await enqueueMail(
      t.database.db,
      { to: ADDRESS, subject: 'Your code', text: `${CODE} is your code`, html: CODE },
      clock.now(),
    );
    assert.deepEqual(await worker.drainOnce(), { sent: 0, retried: 0, failed: 1 });
    const error = (await findOutboxMessage(t.database.db, id))?.last_error ?? '';
    assert.match(error, /PermanentSendError: recipient refused: 550 5\.1\.1 <\[email\]>/);
    assertClean(error);
    assert.match(log.text(), /recipient refused/);
    assertClean(log.text());
  });

  /** Queues a code by SMS to a webhook that answers `status` with the request echoed, and drains the outbox once. */
  async function sendSmsAnswered(status: number, outcome: { sent: number; retried: number; failed: number }) {
    const clock = new ManualClock();
    const log = captureLog();
    webhook.respondWith({ status, echo: true });
    const worker = createOutboxWorker({
      database: t.database,
      senders: { sms: smsOutboxSender(createWebhookSmsSender({ url: webhook.url })) },
      clock,
      logger: log.logger,
    });
    const id = await enqueueSms(
      t.database.db,
      { to: NUMBER, body: `${CODE} is your Roster code` },
      clock.now(),
    );
    assert.deepEqual(await worker.drainOnce(), outcome);
    return { id, log };
  }

  it('an SMS webhook that answers 400 with the request echoed: neither the number nor the code survive', async () => {
    const { id, log } = await sendSmsAnswered(400, { sent: 0, retried: 0, failed: 1 });
    assert.equal(webhook.requests.at(-1)?.to, NUMBER);
    const error = (await findOutboxMessage(t.database.db, id))?.last_error ?? '';
    assert.match(error, /SMS webhook answered 400: .*\[phone\].*\[code\] is your Roster code/);
    assertClean(error);
    assert.match(log.text(), /SMS webhook answered 400/);
    assertClean(log.text());
  });

  it('a retried failure (5xx) is redacted as well', async () => {
    const { id, log } = await sendSmsAnswered(503, { sent: 0, retried: 1, failed: 0 });
    assertClean((await findOutboxMessage(t.database.db, id))?.last_error ?? '');
    assert.match(log.text(), /will retry/);
    assertClean(log.text());
  });
});

describe('redactText and redactUrl', () => {
  it('replaces addresses, numbers with or without spaces and codes; keeps the rest', () => {
    assert.equal(
      redactText(
        '550 5.1.1 <ada.l+x@example.co.uk> refused, call +49 151 99887700 or +1 (415) 555-0100, code 123456',
      ),
      '550 5.1.1 <[email]> refused, call [phone] or [phone], code [code]',
    );
    assert.equal(redactText('ada＠example.com and ada%40example.com'), '[email] and [email]');
    assert.equal(
      redactText('SMS webhook did not answer within 10000 ms'),
      'SMS webhook did not answer within 10000 ms',
    );
    assert.equal(redactText('answered 400: bad request'), 'answered 400: bad request');
  });

  it('a fullwidth ＠ in a path and token-like query parameters are redacted', () => {
    assert.equal(redactUrl('/v1/users/ada＠example.com'), '/v1/users/[redacted]');
    assert.equal(redactUrl('/v1/users/ada%EF%BC%A0example.com'), '/v1/users/[redacted]');
    const url = redactUrl('/v1/x?refreshToken=r1&token=t1&code=123456&accessToken=a1&page=2');
    assert.ok(!/r1|t1|123456|a1/.test(url), url);
    assert.match(url, /page=2/);
  });

  it('a plain path is kept as it is; a number or address after /by-phone/ or /by-email/ is not', () => {
    assert.equal(
      redactUrl('/v1/users/01a24287-acf0-7200-84b2-e3f2d461fe77/followers'),
      '/v1/users/01a24287-acf0-7200-84b2-e3f2d461fe77/followers',
    );
    assert.equal(redactUrl('/v1/users/by-phone/015199887700'), '/v1/users/by-phone/[redacted]');
    assert.equal(redactUrl('/v1/users/by-email/ada.example.com'), '/v1/users/by-email/[redacted]');
    assert.equal(redactUrl('/v1/users/+4915199887700'), '/v1/users/[redacted]');
    assert.equal(redactUrl('/v1/users/ada%40example.com'), '/v1/users/[redacted]');
  });
});
