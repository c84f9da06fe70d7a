// SQLite is shared safely with a second process (the CLI writing while the
// server runs): WAL, a busy timeout, and BEGIN IMMEDIATE transactions make the
// second writer wait its turn instead of failing with SQLITE_BUSY.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
  it('a second process writing during a transaction waits and succeeds', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'roster-sqlite-')), 'roster.db');
    const database = openDatabase({ dialect: 'sqlite', path });
    await migrateToLatest(database);
    const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
    assert.equal(rows[0]?.journal_mode, 'wal');

    let child: ReturnType<typeof spawn> | undefined;
    await inTransaction(database.db, async (trx) => {
      await trx.insertInto('outbox_messages').values(row('server-row')).execute();
      child = spawn(
        process.execPath,
        [resolve(import.meta.dirname, '../fixtures/insert-outbox-row.ts'), path, 'cli-row'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      // Hold the write lock while the other process tries to write.
      await new Promise((r) => setTimeout(r, 600));
    });
    let out = '';
    let err = '';
    child!.stdout!.on('data', (d) => {
      out += String(d);
    });
    child!.stderr!.on('data', (d) => {
      err += String(d);
    });
    const [code] = await once(child!, 'exit');
    assert.equal(code, 0, err);
    assert.ok(JSON.parse(out).waitedMs >= 0);
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
