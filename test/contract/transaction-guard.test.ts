// The root database handle inside an open transaction fails at once. On
// SQLite it would wait for the one connection its own transaction holds: the
// server would hang (this is how token signing hung every default install
// after five minutes). On PostgreSQL it would hold a second pool connection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { detached, inTransaction, NestedConnectionError } from '../../src/platform/db/executor.ts';
import { testDialect } from '../helpers/dialect.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

describe(`the root handle inside a transaction (${testDialect})`, () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());

  it('throws NestedConnectionError instead of waiting for its own connection', async () => {
    const { db } = t.database;
    await assert.rejects(
      inTransaction(db, async (trx) => {
        await sql`select 1`.execute(trx);
        await sql`select 1`.execute(db);
      }),
      NestedConnectionError,
    );
    // A nested transaction on the root handle is the same mistake.
    await assert.rejects(
      inTransaction(db, () => inTransaction(db, async () => {})),
      NestedConnectionError,
    );
    // The database is still usable afterwards: nothing was left holding the connection.
    assert.equal(Number((await sql<{ n: number }>`select 1 as n`.execute(db)).rows[0]?.n), 1);
  });

  it('lets the transaction use trx, and work after it or detached from it use the root handle', async () => {
    const { db } = t.database;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let afterCommit: Promise<unknown> | undefined;
    let background: Promise<unknown> | undefined;
    const inside = await inTransaction(db, async (trx) => {
      // Continued inside, run only once the transaction has ended: outside it by then.
      afterCommit = gate.then(() => sql`select 2`.execute(db));
      // Background work started from inside (a worker woken by a change) is not part of it;
      // on SQLite it simply waits for the commit.
      background = detached(() => sql`select 3`.execute(db));
      return (await sql<{ n: number }>`select 1 as n`.execute(trx)).rows[0]!.n;
    });
    assert.equal(inside, 1);
    release();
    await afterCommit;
    await background;
  });
});
