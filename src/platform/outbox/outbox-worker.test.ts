// The worker on each dialect: transactional enqueue, exactly-once when all goes
// well, backoff, giving up, expired leases, and a loop that survives errors.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { testDialect } from '../../../test/helpers/dialect.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.ts';
import { ManualClock } from '../clock.ts';
import { openDatabase } from '../db/database.ts';
import { inTransaction } from '../db/executor.ts';
import { claimDueMessages, findOutboxMessage } from './outbox.repository.ts';
import { enqueue, enqueueMail } from './outbox.service.ts';
import { type OutboxSender, PermanentSendError, type SendContext } from './outbox-sender.ts';
import { createOutboxWorker, type OutboxLogger, type OutboxWorkerOptions } from './outbox-worker.ts';

const mail = { to: 'ada@example.com', subject: 'Hi', text: 'code 123456', html: '<p>code 123456</p>' };
const SEC = 1000;

/** Polls until `check` holds; the bound is generous (a busy machine), it only ends a hang. */
async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe(`outbox worker (${testDialect})`, () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let calls: Array<{ payload: unknown; context: SendContext }>;
  let behaviour: (payload: unknown, context: SendContext) => Promise<void>;
  const recorder: OutboxSender = (payload, context) => {
    calls.push({ payload, context });
    return behaviour(payload, context);
  };
  const worker = (options: Partial<OutboxWorkerOptions> = {}) =>
    createOutboxWorker({
      database: t.database,
      senders: { mail: recorder },
      clock,
      random: () => 1, // no jitter: delays are exactly 10 s, 20 s, 40 s ...
      ...options,
    });

  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());
  beforeEach(async () => {
    await t.database.db.deleteFrom('outbox_messages').execute();
    clock = new ManualClock();
    calls = [];
    behaviour = async () => {};
  });

  it('never sends a message whose transaction rolled back; sends a committed one exactly once', async () => {
    await assert.rejects(
      inTransaction(t.database.db, async (trx) => {
        await enqueueMail(trx, { ...mail, to: 'rolled@example.com' }, clock.now());
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    const id = await inTransaction(t.database.db, (trx) => enqueueMail(trx, mail, clock.now()));
    const w = worker();
    assert.deepEqual(await w.drainOnce(), { sent: 1, retried: 0, failed: 0 });
    assert.deepEqual(await w.drainOnce(), { sent: 0, retried: 0, failed: 0 });
    clock.advance(24 * 60 * 60 * SEC);
    await w.drainOnce();
    assert.deepEqual(calls, [{ payload: mail, context: { id, attempt: 1 } }]);
    const row = await findOutboxMessage(t.database.db, id);
    assert.equal(row?.status, 'sent');
  });

  it('retries with exponential backoff, then fails after maxAttempts', async () => {
    behaviour = async () => {
      throw new Error('relay down');
    };
    const id = await enqueueMail(t.database.db, mail, clock.now());
    const w = worker({ maxAttempts: 4 });
    const nextAt = async () => (await findOutboxMessage(t.database.db, id))?.next_attempt_at;

    for (const [attempt, delay] of [
      [1, 10 * SEC],
      [2, 20 * SEC],
      [3, 40 * SEC],
    ] as const) {
      assert.deepEqual(await w.drainOnce(), { sent: 0, retried: 1, failed: 0 }, `attempt ${attempt}`);
      assert.equal(await nextAt(), new Date(clock.now().getTime() + delay).toISOString());
      clock.advance(delay - 1);
      assert.deepEqual(await w.drainOnce(), { sent: 0, retried: 0, failed: 0 }, 'not due before the delay');
      clock.advance(1);
    }
    assert.deepEqual(await w.drainOnce(), { sent: 0, retried: 0, failed: 1 });
    const row = await findOutboxMessage(t.database.db, id);
    assert.deepEqual([row?.status, row?.attempts, row?.last_error], ['failed', 4, 'Error: relay down']);
    assert.equal(calls.length, 4);
    clock.advance(24 * 60 * 60 * SEC);
    await w.drainOnce();
    assert.equal(calls.length, 4, 'a failed message is never picked up again');
  });

  it('sends on a later attempt after a transient failure', async () => {
    behaviour = async (_p, context) => {
      if (context.attempt === 1) throw new Error('421 try later');
    };
    const id = await enqueueMail(t.database.db, mail, clock.now());
    const w = worker();
    await w.drainOnce();
    clock.advance(10 * SEC);
    assert.deepEqual(await w.drainOnce(), { sent: 1, retried: 0, failed: 0 });
    const row = await findOutboxMessage(t.database.db, id);
    assert.deepEqual([row?.status, row?.attempts], ['sent', 2]);
    assert.deepEqual(
      calls.map((c) => c.context),
      [
        { id, attempt: 1 },
        { id, attempt: 2 },
      ],
    );
  });

  it('fails at once on a permanent error', async () => {
    behaviour = async () => {
      throw new PermanentSendError('recipient refused');
    };
    const refused = await enqueueMail(t.database.db, mail, clock.now());
    const w = worker();
    assert.deepEqual(await w.drainOnce(), { sent: 0, retried: 0, failed: 1 });
    assert.equal(
      (await findOutboxMessage(t.database.db, refused))?.last_error,
      'PermanentSendError: recipient refused',
    );
    assert.equal((await findOutboxMessage(t.database.db, refused))?.attempts, 1);
  });

  it('leaves other channels to the nodes that can send them', async () => {
    await enqueue(t.database.db, 'sms', { to: '+15550100', body: 'hi' }, clock.now());
    assert.deepEqual(await worker().drainOnce(), { sent: 0, retried: 0, failed: 0 });
    assert.equal(calls.length, 0);
  });

  it('sends again a message whose sender died mid-send, once its lease expires', async () => {
    const id = await enqueueMail(t.database.db, mail, clock.now());
    // A node claims it and crashes: the lease is all that is left.
    await claimDueMessages(t.database.db, t.database.dialect, {
      now: clock.now(),
      limit: 10,
      leaseUntil: new Date(clock.now().getTime() + 5 * 60 * SEC),
    });
    const w = worker();
    assert.deepEqual(await w.drainOnce(), { sent: 0, retried: 0, failed: 0 }, 'leased: left alone');
    clock.advance(5 * 60 * SEC);
    assert.deepEqual(await w.drainOnce(), { sent: 1, retried: 0, failed: 0 });
    assert.deepEqual(
      calls.map((c) => c.context),
      [{ id, attempt: 2 }],
    );
  });

  it('gives up on a message whose every lease expired (it keeps killing its sender)', async () => {
    const id = await enqueueMail(t.database.db, mail, clock.now());
    for (let i = 0; i < 2; i++) {
      await claimDueMessages(t.database.db, t.database.dialect, {
        now: clock.now(),
        limit: 10,
        leaseUntil: new Date(clock.now().getTime() + 60 * SEC),
      });
      clock.advance(60 * SEC);
    }
    assert.deepEqual(await worker({ maxAttempts: 2 }).drainOnce(), { sent: 0, retried: 0, failed: 1 });
    assert.equal(calls.length, 0);
    assert.equal((await findOutboxMessage(t.database.db, id))?.status, 'failed');
  });

  it('polls by itself, wakes on demand, and stop() waits for the batch in flight', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const held = { ...mail, to: 'held@example.com' };
    behaviour = async (payload) => {
      if ((payload as typeof mail).to === held.to) await released;
    };
    const first = await enqueueMail(t.database.db, mail, clock.now());
    const w = worker({ pollIntervalMs: 60_000 });
    w.start();
    // The first poll runs at once and sends what is there.
    await waitUntil(async () => (await findOutboxMessage(t.database.db, first))?.status === 'sent');
    // That poll's claim is over and the next poll is a minute away: only wake() sends this one.
    const id = await enqueueMail(t.database.db, held, clock.now());
    w.wake();
    await waitUntil(() => calls.length === 2);
    const order: string[] = [];
    const stopping = w.stop().then(() => order.push('stopped'));
    // One turn of the event loop: a stop() that did not wait for the send would be done by now.
    await new Promise((r) => setImmediate(r));
    order.push('released');
    release();
    await stopping;
    assert.deepEqual(order, ['released', 'stopped'], 'stop() waits for the send in flight');
    assert.equal((await findOutboxMessage(t.database.db, id))?.status, 'sent', 'and records its outcome');
  });

  it('keeps polling after storage errors and sender crashes', async () => {
    const errors: string[] = [];
    const logger: OutboxLogger = { info() {}, warn() {}, error: (_f, message) => errors.push(message) };
    // A database without the outbox table: every claim throws.
    const broken = openDatabase({ dialect: 'sqlite', path: ':memory:' });
    const w = createOutboxWorker({
      database: broken,
      senders: { mail: recorder },
      clock,
      logger,
      pollIntervalMs: 5,
    });
    w.start();
    await waitUntil(() => errors.length >= 3);
    await w.stop();
    await broken.close();
    assert.ok(errors.every((m) => m === 'outbox poll failed'));

    const sync: OutboxSender = () => {
      throw new TypeError('not even async');
    };
    const id = await enqueueMail(t.database.db, mail, clock.now());
    const w2 = createOutboxWorker({
      database: t.database,
      senders: { mail: sync },
      clock,
      pollIntervalMs: 5,
    });
    w2.start();
    await waitUntil(async () => (await findOutboxMessage(t.database.db, id))?.attempts === 1);
    await w2.stop();
    const row = await findOutboxMessage(t.database.db, id);
    assert.deepEqual([row?.status, row?.last_error], ['pending', 'TypeError: not even async']);
  });
});
