// Outbox queries on each dialect: claims, leases, fencing, pruning.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { testDialect } from '../../../test/helpers/dialect.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/test-database.ts';
import { newId } from '../ids.ts';
import {
  claimDueMessages,
  deleteFinishedMessages,
  findOutboxMessage,
  insertOutboxMessage,
  markFailed,
  markRetry,
  markSent,
} from './outbox.repository.ts';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const MIN = 60_000;

describe(`outbox repository (${testDialect})`, () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());
  beforeEach(() => t.database.db.deleteFrom('outbox_messages').execute());

  const insert = async (channel = 'mail', nextAttemptAt = T0) => {
    const id = newId();
    await insertOutboxMessage(t.database.db, {
      id,
      channel,
      payload: JSON.stringify({ n: id }),
      createdAt: T0,
      nextAttemptAt,
    });
    return id;
  };
  const claim = (now: Date, limit = 10, channels?: string[]) =>
    claimDueMessages(t.database.db, t.database.dialect, {
      now,
      limit,
      leaseUntil: new Date(now.getTime() + 5 * MIN),
      ...(channels ? { channels } : {}),
    });

  it('claims due messages oldest first, up to the limit, counting the attempt', async () => {
    const a = await insert('mail', at(0));
    const b = await insert('mail', at(1));
    await insert('mail', at(10 * MIN)); // not due yet
    const claimed = await claim(at(MIN), 1);
    assert.deepEqual(
      claimed.map((r) => [r.id, r.attempts, r.locked_until]),
      [[a, 1, at(6 * MIN).toISOString()]],
    );
    assert.deepEqual(
      (await claim(at(MIN))).map((r) => r.id),
      [b],
    );
    assert.deepEqual(await claim(at(MIN)), [], 'leased rows are not claimed twice');
  });

  it('claims again once the lease has expired, with the next attempt number', async () => {
    const id = await insert();
    await claim(at(0));
    assert.deepEqual(await claim(at(5 * MIN - 1)), []);
    const [again] = await claim(at(5 * MIN));
    assert.equal(again?.id, id);
    assert.equal(again?.attempts, 2);
  });

  it('claims only the channels asked for', async () => {
    await insert('sms');
    const mail = await insert('mail');
    assert.deepEqual(
      (await claim(at(0), 10, ['mail'])).map((r) => r.id),
      [mail],
    );
    assert.deepEqual(await claim(at(0), 10, []), []);
  });

  it('markSent drops the payload; a stale claim cannot overwrite a newer one', async () => {
    const id = await insert();
    const [first] = await claim(at(0));
    const [second] = await claim(at(5 * MIN)); // the first lease expired, another node took it
    assert.equal(await markRetry(t.database.db, first!, 'late', at(6 * MIN)), false);
    assert.equal(await markSent(t.database.db, second!, at(5 * MIN + 1)), true);
    assert.equal(await markSent(t.database.db, first!, at(5 * MIN + 2)), false);
    const row = await findOutboxMessage(t.database.db, id);
    assert.equal(row?.status, 'sent');
    assert.equal(row?.sent_at, at(5 * MIN + 1).toISOString());
    assert.equal(row?.payload.replace(/\s/g, ''), '{}');
    assert.equal(row?.locked_until, null);
  });

  it('markRetry frees the lease and reschedules; markFailed keeps the error', async () => {
    const id = await insert();
    const [c1] = await claim(at(0));
    assert.equal(await markRetry(t.database.db, c1!, 'boom', at(MIN)), true);
    let row = await findOutboxMessage(t.database.db, id);
    assert.deepEqual([row?.status, row?.locked_until, row?.last_error], ['pending', null, 'boom']);
    assert.deepEqual(await claim(at(MIN - 1)), []);
    const [c2] = await claim(at(MIN));
    assert.equal(await markFailed(t.database.db, c2!, 'gave up'), true);
    row = await findOutboxMessage(t.database.db, id);
    assert.deepEqual([row?.status, row?.attempts, row?.last_error], ['failed', 2, 'gave up']);
    assert.notEqual(row?.payload.replace(/\s/g, ''), '{}', 'a failed message keeps its payload');
    assert.deepEqual(await claim(at(60 * MIN)), []);
  });

  it('deletes finished messages older than the cut-off, never pending ones', async () => {
    const sent = await insert();
    const pending = await insert('mail', at(60 * MIN));
    const [c] = await claim(at(0));
    await markSent(t.database.db, c!, at(0));
    assert.equal(await deleteFinishedMessages(t.database.db, at(0), 100), 0);
    assert.equal(await deleteFinishedMessages(t.database.db, at(1), 100), 1);
    assert.equal(await findOutboxMessage(t.database.db, sent), undefined);
    assert.ok(await findOutboxMessage(t.database.db, pending));
  });
});
