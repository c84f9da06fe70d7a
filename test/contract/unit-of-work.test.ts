// After-commit effects: registered by work inside a transaction, run once its
// changes are durable, never for a rollback or for an attempt that PostgreSQL
// aborted and inTransaction ran again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { inTransaction } from '../../src/platform/db/executor.ts';
import { afterCommit } from '../../src/platform/db/unit-of-work.ts';
import { testDialect } from '../helpers/dialect.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

describe(`after-commit effects (${testDialect})`, () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());

  it('runs an effect after COMMIT, when the change is visible on the root handle', async () => {
    const { db } = t.database;
    const seen: string[] = [];
    await inTransaction(db, async (trx) => {
      await sql`create table uow_probe (id text primary key)`.execute(trx);
      await sql`insert into uow_probe (id) values ('one')`.execute(trx);
      await afterCommit(trx, async () => {
        // Inside the transaction this would throw NestedConnectionError.
        const rows = await sql<{ id: string }>`select id from uow_probe`.execute(db);
        seen.push(...rows.rows.map((r) => r.id));
      });
      assert.deepEqual(seen, [], 'not run before the commit');
    });
    assert.deepEqual(seen, ['one']);
  });

  it('drops the effects of a transaction that rolls back', async () => {
    const { db } = t.database;
    let ran = 0;
    await assert.rejects(
      inTransaction(db, async (trx) => {
        await afterCommit(trx, () => ran++);
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    assert.equal(ran, 0);
  });

  it('runs only the effects of the attempt that committed when the work is run again', async () => {
    const { db } = t.database;
    const ran: number[] = [];
    let attempt = 0;
    await inTransaction(db, async (trx) => {
      attempt++;
      await afterCommit(trx, () => ran.push(attempt));
      // The code PostgreSQL gives a transaction it aborted to break a deadlock.
      if (attempt === 1) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
    });
    assert.equal(attempt, 2);
    assert.deepEqual(ran, [2]);
  });

  it('runs every effect in order even when one fails, then throws the first failure', async () => {
    const { db } = t.database;
    const ran: string[] = [];
    await assert.rejects(
      inTransaction(db, async (trx) => {
        await afterCommit(trx, () => ran.push('a'));
        await afterCommit(trx, () => {
          throw new Error('effect failed');
        });
        await afterCommit(trx, () => ran.push('c'));
      }),
      /effect failed/,
    );
    assert.deepEqual(ran, ['a', 'c']);
  });

  it('runs at once when given the database itself (no transaction to wait for)', async () => {
    let ran = 0;
    await afterCommit(t.database.db, () => ran++);
    assert.equal(ran, 1);
  });
});
