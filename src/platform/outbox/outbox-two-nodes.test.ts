// Two app nodes on one database deliver each message exactly once. PostgreSQL:
// two pools on one schema. SQLite: one database file opened twice.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testDialect } from '../../../test/helpers/dialect.ts';
import { createTestDatabase } from '../../../test/helpers/test-database.ts';
import { ManualClock } from '../clock.ts';
import { type Database, openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { claimDueMessages } from './outbox.repository.ts';
import { enqueueMail } from './outbox.service.ts';
import { createOutboxWorker } from './outbox-worker.ts';

const COUNT = 60;

async function openTwoNodes(): Promise<{ a: Database; b: Database; cleanup(): Promise<void> }> {
  if (testDialect === 'postgres') {
    const t = await createTestDatabase();
    const b = openDatabase(t.target, { schema: t.schema!, poolSize: 5 });
    return {
      a: t.database,
      b,
      cleanup: async () => {
        await b.close();
        await t.drop();
      },
    };
  }
  const dir = await mkdtemp(join(tmpdir(), 'roster-outbox-'));
  const path = join(dir, 'roster.db');
  const a = openDatabase({ dialect: 'sqlite', path });
  await migrateToLatest(a);
  const b = openDatabase({ dialect: 'sqlite', path });
  return {
    a,
    b,
    cleanup: async () => {
      await a.close();
      await b.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe(`outbox on two nodes (${testDialect})`, () => {
  let nodes: Awaited<ReturnType<typeof openTwoNodes>>;
  const clock = new ManualClock();
  before(async () => {
    nodes = await openTwoNodes();
  });
  after(() => nodes.cleanup());

  const enqueueMany = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const db = i % 2 === 0 ? nodes.a.db : nodes.b.db;
      await enqueueMail(
        db,
        { to: `user${i}@example.com`, subject: `#${i}`, text: 't', html: 'h' },
        clock.now(),
      );
    }
  };

  it('concurrent claims never hand out the same message twice', async () => {
    await enqueueMany(COUNT);
    const claim = (database: Database) =>
      claimDueMessages(database.db, database.dialect, {
        now: clock.now(),
        limit: 4,
        leaseUntil: new Date(clock.now().getTime() + 60_000),
      });
    const batches = await Promise.all(Array.from({ length: 20 }, (_, i) => claim(i % 2 ? nodes.a : nodes.b)));
    const ids = batches.flat().map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'no id claimed twice');
    assert.equal(ids.length, COUNT, 'and every message claimed');
    await nodes.a.db.deleteFrom('outbox_messages').execute();
  });

  it('two workers deliver every message exactly once', { timeout: 60_000 }, async () => {
    await enqueueMany(COUNT);
    const delivered: Array<{ node: string; to: string }> = [];
    // A barrier: every send waits until both nodes have a send in flight, so each
    // node has claimed a batch while the other's is still unrecorded. Both take
    // part however the two drains are scheduled, and their batches overlap.
    const sending = new Set<string>();
    const { promise: bothSending, resolve: release } = Promise.withResolvers<void>();
    const workerOn = (database: Database, node: string) =>
      createOutboxWorker({
        database,
        clock,
        batchSize: 5,
        senders: {
          mail: async (payload) => {
            sending.add(node);
            if (sending.size === 2) release();
            await bothSending;
            delivered.push({ node, to: (payload as { to: string }).to });
          },
        },
      });
    const results = await Promise.all([
      workerOn(nodes.a, 'a').drainOnce(),
      workerOn(nodes.b, 'b').drainOnce(),
    ]);

    const recipients = delivered.map((d) => d.to);
    assert.equal(recipients.length, COUNT);
    assert.equal(new Set(recipients).size, COUNT, 'each message sent once');
    assert.equal(results[0].sent + results[1].sent, COUNT);
    // Each node delivers at least the batch it held at the barrier (5), and the clock stands
    // still, so no lease expires and nothing is handed over.
    assert.ok(
      results[0].sent >= 5 && results[1].sent >= 5,
      `both nodes took part: ${results.map((r) => r.sent)}`,
    );
    const pending = await nodes.b.db
      .selectFrom('outbox_messages')
      .select('id')
      .where('status', '!=', 'sent')
      .execute();
    assert.deepEqual(pending, []);
  });
});
