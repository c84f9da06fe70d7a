// Mail through the whole path: a service transaction enqueues, the worker
// sends over real SMTP to a local server, failures are retried, then given up.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { testDialect } from '../../../test/helpers/dialect.ts';
import { startSmtpServer, type TestSmtpServer } from '../../../test/helpers/smtp-server.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.ts';
import { ManualClock } from '../clock.ts';
import { inTransaction } from '../db/executor.ts';
import type { Mailer } from '../mailer/mailer.ts';
import { createSmtpMailer } from '../mailer/smtp-mailer.ts';
import { verifyEmail } from '../mailer/templates/index.ts';
import { findOutboxMessage } from './outbox.repository.ts';
import { enqueue, enqueueMail, mailSender } from './outbox.service.ts';
import { createOutboxWorker, type OutboxWorker } from './outbox-worker.ts';

const SEC = 1000;

describe(`outbox mail over SMTP (${testDialect})`, () => {
  let t: TestDatabase;
  let smtp: TestSmtpServer;
  let mailer: Mailer;
  let clock: ManualClock;
  let worker: OutboxWorker;

  before(async () => {
    t = await createTestDatabase();
    smtp = await startSmtpServer();
    mailer = createSmtpMailer({ url: smtp.url, from: 'Roster <no-reply@roster.example>' });
  });
  after(async () => {
    await mailer.close?.();
    await smtp.close();
    await t.drop();
  });
  beforeEach(async () => {
    await t.database.db.deleteFrom('outbox_messages').execute();
    smtp.messages.length = 0;
    smtp.reject(null);
    clock = new ManualClock();
    worker = createOutboxWorker({
      database: t.database,
      senders: { mail: mailSender(mailer) },
      clock,
      random: () => 1,
      maxAttempts: 3,
    });
  });

  it('delivers a committed mail once, with the outbox id as Message-ID; a rolled-back one never', async () => {
    const content = verifyEmail({ code: '424242', link: 'https://id.example.com/verify?t=1', minutes: 15 });
    await inTransaction(t.database.db, async (trx) => {
      await enqueueMail(trx, { to: 'undone@example.com', ...content }, clock.now());
      throw new Error('rollback');
    }).catch(() => {});
    const id = await inTransaction(t.database.db, (trx) =>
      enqueueMail(trx, { to: 'ada@example.com', ...content }, clock.now()),
    );

    assert.deepEqual(await worker.drainOnce(), { sent: 1, retried: 0, failed: 0 });
    await worker.drainOnce();
    const received = await smtp.waitFor();
    assert.equal(smtp.messages.length, 1);
    assert.deepEqual(received.envelopeTo, ['ada@example.com']);
    assert.equal(received.headers.get('message-id'), `<${id}@roster.example>`);
    assert.ok(received.text.includes('424242') && received.html.includes('424242'));
    assert.ok(!smtp.messages.some((m) => m.envelopeTo.includes('undone@example.com')));
  });

  it('retries while the server refuses for now, then delivers', async () => {
    smtp.reject({ code: 451, message: 'greylisted' });
    const id = await enqueueMail(
      t.database.db,
      { to: 'ada@example.com', subject: 's', text: 't', html: 'h' },
      clock.now(),
    );
    assert.deepEqual(await worker.drainOnce(), { sent: 0, retried: 1, failed: 0 });
    assert.match((await findOutboxMessage(t.database.db, id))?.last_error ?? '', /greylisted/);
    smtp.reject(null);
    clock.advance(10 * SEC);
    assert.deepEqual(await worker.drainOnce(), { sent: 1, retried: 0, failed: 0 });
    assert.equal(smtp.messages.length, 1);
  });

  it('gives up after maxAttempts while the server is down', async () => {
    const down = await startSmtpServer();
    await down.close();
    const dead = createSmtpMailer({ url: down.url, from: 'no-reply@roster.example' });
    const w = createOutboxWorker({
      database: t.database,
      senders: { mail: mailSender(dead) },
      clock,
      random: () => 1,
      maxAttempts: 3,
    });
    const id = await enqueueMail(
      t.database.db,
      { to: 'ada@example.com', subject: 's', text: 't', html: 'h' },
      clock.now(),
    );
    assert.equal((await w.drainOnce()).retried, 1);
    clock.advance(10 * SEC);
    assert.equal((await w.drainOnce()).retried, 1);
    clock.advance(20 * SEC);
    assert.equal((await w.drainOnce()).failed, 1);
    const row = await findOutboxMessage(t.database.db, id);
    assert.deepEqual([row?.status, row?.attempts], ['failed', 3]);
    assert.match(row?.last_error ?? '', /ECONNREFUSED|connect/i);
    await dead.close?.();
  });

  it('fails at once when the server refuses the recipient for good, or the payload is not a mail', async () => {
    smtp.reject({ code: 550, message: 'no such user' });
    const refused = await enqueueMail(
      t.database.db,
      { to: 'gone@example.com', subject: 's', text: 't', html: 'h' },
      clock.now(),
    );
    const garbled = await enqueue(t.database.db, 'mail', { to: 42 }, clock.now());
    assert.deepEqual(await worker.drainOnce(), { sent: 0, retried: 0, failed: 2 });
    assert.match((await findOutboxMessage(t.database.db, refused))?.last_error ?? '', /no such user/);
    assert.match((await findOutboxMessage(t.database.db, garbled))?.last_error ?? '', /payload/);
  });

  it('refuses to enqueue a mail for several recipients, inside the caller transaction', async () => {
    await assert.rejects(
      enqueueMail(
        t.database.db,
        { to: 'a@example.com, b@example.com', subject: 's', text: 't', html: 'h' },
        clock.now(),
      ),
      /exactly one/,
    );
  });
});
