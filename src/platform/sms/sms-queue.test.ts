// SMS through the whole path: a service transaction queues, the worker sends
// over real HTTP to a local webhook; refusals fail at once, outages are retried.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { testDialect } from '../../../test/helpers/dialect.ts';
import { startSmsWebhook, type TestSmsWebhook } from '../../../test/helpers/sms-webhook.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.ts';
import { ManualClock } from '../clock.ts';
import { inTransaction } from '../db/executor.ts';
import { findOutboxMessage } from '../outbox/outbox.repository.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import { PermanentSendError } from '../outbox/outbox-sender.ts';
import { createOutboxWorker, type OutboxWorker } from '../outbox/outbox-worker.ts';
import { createSmsQueue, enqueueSms, smsOutboxSender } from './sms-queue.ts';
import { createWebhookSmsSender } from './webhook-sms-sender.ts';

const SEC = 1000;

describe('smsOutboxSender', () => {
  let hook: TestSmsWebhook;
  before(async () => {
    hook = await startSmsWebhook();
  });
  after(() => hook.close());
  beforeEach(() => {
    hook.respondWith(null);
    hook.messages.length = 0;
    hook.requests.length = 0;
  });
  const context = { id: '0190d2c0-0000-7000-8000-0000000000aa', attempt: 1 };

  it('sends the payload with the outbox id as delivery id', async () => {
    const send = smsOutboxSender(createWebhookSmsSender({ url: hook.url }));
    await send({ to: '+14155550100', body: 'code 111111' }, context);
    const sms = await hook.waitFor();
    assert.deepEqual([sms.to, sms.body], ['+14155550100', 'code 111111']);
    assert.equal(sms.headers['idempotency-key'], context.id);
  });

  it('maps a refusal to PermanentSendError and leaves other errors retryable', async () => {
    const send = smsOutboxSender(createWebhookSmsSender({ url: hook.url }));
    hook.respondWith({ status: 422, body: 'unknown number' });
    await assert.rejects(send({ to: '+14155550100', body: 'x' }, context), (error: unknown) => {
      assert.ok(error instanceof PermanentSendError);
      assert.match(error.message, /422: unknown number/);
      return true;
    });
    hook.respondWith(500);
    await assert.rejects(
      send({ to: '+14155550100', body: 'x' }, context),
      (error: unknown) => error instanceof Error && !(error instanceof PermanentSendError),
    );
  });

  it('refuses a malformed payload for good, without calling the gateway', async () => {
    const send = smsOutboxSender(createWebhookSmsSender({ url: hook.url }));
    for (const payload of [
      null,
      'text',
      { to: 42, body: 'x' },
      { to: '0612345678', body: 'x' },
      { to: '+14155550100' },
    ]) {
      await assert.rejects(send(payload, context), PermanentSendError);
    }
    assert.equal(hook.requests.length, 0);
  });
});

describe(`sms through the outbox (${testDialect})`, () => {
  let t: TestDatabase;
  let hook: TestSmsWebhook;
  let clock: ManualClock;
  let worker: OutboxWorker;
  before(async () => {
    t = await createTestDatabase();
    hook = await startSmsWebhook();
  });
  after(async () => {
    await hook.close();
    await t.drop();
  });
  beforeEach(async () => {
    await t.database.db.deleteFrom('outbox_messages').execute();
    hook.respondWith(null);
    hook.messages.length = 0;
    hook.requests.length = 0;
    clock = new ManualClock();
    worker = createOutboxWorker({
      database: t.database,
      senders: { sms: smsOutboxSender(createWebhookSmsSender({ url: hook.url })) },
      clock,
      random: () => 1,
      maxAttempts: 3,
    });
  });

  it('delivers a committed SMS once, keyed by its outbox id; a rolled-back one never', async () => {
    let woken = 0;
    const sms = createSmsQueue({ clock, wake: () => woken++ });
    await inTransaction(t.database.db, async (trx) => {
      await sms.queue(trx, '+15550000001', 'undone');
      throw new Error('rollback');
    }).catch(() => {});
    await inTransaction(t.database.db, (trx) => sms.queue(trx, '+14155550100', 'Your code is 424242'));
    assert.equal(woken, 1);

    const [row] = await t.database.db.selectFrom('outbox_messages').selectAll().execute();
    assert.equal(row?.channel, 'sms');
    assert.deepEqual(await worker.drainOnce(), { sent: 1, retried: 0, failed: 0 });
    assert.deepEqual(await worker.drainOnce(), { sent: 0, retried: 0, failed: 0 });
    const received = await hook.waitFor();
    assert.equal(hook.messages.length, 1);
    assert.deepEqual([received.to, received.body], ['+14155550100', 'Your code is 424242']);
    assert.equal(received.headers['idempotency-key'], row?.id);
  });

  it('refuses to queue an SMS to something that is not an E.164 number', async () => {
    const sms = createSmsQueue({ clock, wake: () => {} });
    for (const to of ['0612345678', '+0123', '+1 415 555 0100', '+14155550100,+15550000001']) {
      await assert.rejects(sms.queue(t.database.db, to, 'x'), /E\.164/);
    }
    await assert.rejects(sms.queue(t.database.db, '+14155550100', ''), /text/);
    assert.equal((await t.database.db.selectFrom('outbox_messages').selectAll().execute()).length, 0);
  });

  it('retries while the gateway fails, with the same key, then delivers', async () => {
    hook.respondWith({ status: 503, body: 'maintenance' });
    const id = await enqueueSms(t.database.db, { to: '+14155550100', body: 'x' }, clock.now());
    assert.deepEqual(await worker.drainOnce(), { sent: 0, retried: 1, failed: 0 });
    assert.match((await findOutboxMessage(t.database.db, id))?.last_error ?? '', /503: maintenance/);
    hook.respondWith(null);
    clock.advance(10 * SEC);
    assert.deepEqual(await worker.drainOnce(), { sent: 1, retried: 0, failed: 0 });
    assert.deepEqual(
      hook.requests.map((r) => [r.status, r.headers['idempotency-key']]),
      [
        [503, id],
        [204, id],
      ],
    );
  });

  it('fails at once when the gateway refuses, or the payload is not an SMS', async () => {
    hook.respondWith({ status: 400, body: 'blocked destination' });
    const refused = await enqueueSms(t.database.db, { to: '+14155550100', body: 'x' }, clock.now());
    const garbled = await enqueue(t.database.db, 'sms', { to: 42 }, clock.now());
    assert.deepEqual(await worker.drainOnce(), { sent: 0, retried: 0, failed: 2 });
    const r = await findOutboxMessage(t.database.db, refused);
    assert.deepEqual([r?.status, r?.attempts], ['failed', 1]);
    assert.match(r?.last_error ?? '', /PermanentSendError: SMS webhook answered 400: blocked destination/);
    assert.match((await findOutboxMessage(t.database.db, garbled))?.last_error ?? '', /not \{to, body\}/);
  });
});
