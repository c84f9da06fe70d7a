// SQLite is shared safely with a second process (the CLI writing while the
// server runs): WAL, a busy timeout, and BEGIN IMMEDIATE transactions make the
// second writer wait its turn instead of failing with SQLITE_BUSY. No fixed
// pause: the transaction stays open until the second process reports that it
// found the write lock taken.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from '../../src/platform/db/database.ts';
import { inTransaction } from '../../src/platform/db/executor.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { testDialect } from '../helpers/dialect.ts';

const row = (id: string) => ({
  id,
  channel: 'mail',
  payload: '{}',
  next_attempt_at: new Date().toISOString(),
  locked_until: null,
  last_error: null,
  created_at: new Date().toISOString(),
  sent_at: null,
});

describe('SQLite shared by two processes', { skip: testDialect !== 'sqlite' && 'SQLite only' }, () => {
  it('a second process writing during a transaction waits and succeeds', async (ctx) => {
    const path = join(mkdtempSync(join(tmpdir(), 'roster-sqlite-')), 'roster.db');
    const database = openDatabase({ dialect: 'sqlite', path });
    await migrateToLatest(database);
    const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
    assert.equal(rows[0]?.journal_mode, 'wal');
    // What makes a second writer wait rather than fail: every connection has a busy timeout.
    const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(database.db);
    assert.ok(Number(busy.rows[0]?.timeout) >= 1000, `busy_timeout ${busy.rows[0]?.timeout} ms`);

    const child = spawn(
      process.execPath,
      [resolve(import.meta.dirname, '../fixtures/insert-outbox-row.ts'), path, 'cli-row'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr!.on('data', (d) => {
      err += String(d);
    });
    const exited = once(child, 'exit');
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const nextLine = async (): Promise<Record<string, unknown>> => {
      const line = await lines.next();
      assert.equal(line.done, false, `the second process ended early: ${err}`);
      return JSON.parse(line.value as string) as Record<string, unknown>;
    };

    // Hold the write lock until the other process has found it taken (however long
    // its start-up takes on a busy machine); it then writes while or after we commit.
    let probe: Record<string, unknown> = {};
    await inTransaction(database.db, async (trx) => {
      await trx.insertInto('outbox_messages').values(row('server-row')).execute();
      probe = await nextLine();
    });
    assert.deepEqual(probe, { locked: true }, 'the second process ran into the open transaction');
    const written = await nextLine();
    const [code] = await exited;
    assert.equal(code, 0, err);
    ctx.diagnostic(`the second process's write took ${written.waitedMs} ms`);
    // Its write succeeded (no SQLITE_BUSY): both rows are there.
    const ids = await database.db.selectFrom('outbox_messages').select('id').orderBy('id').execute();
    assert.deepEqual(
      ids.map((r) => r.id),
      ['cli-row', 'server-row'],
    );
    await database.close();
  });

  it('foreign keys are enforced', async () => {
    const database = openDatabase({ dialect: 'sqlite', path: ':memory:' });
    const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(database.db);
    assert.equal(rows[0]?.foreign_keys, 1);
    await database.close();
  });
});
