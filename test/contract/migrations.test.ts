// Migrations apply on a fresh database, are idempotent, and revert cleanly
// with fixture rows present; on each dialect.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { appliedMigrations, migrateToLatest, migrateToZero } from '../../src/platform/db/migrate.ts';
import { migrations } from '../../src/platform/db/migrations/index.ts';
import { testDialect } from '../helpers/dialect.ts';
import { createTestDatabase, schemaWork, type TestDatabase } from '../helpers/test-database.ts';

async function tableNames(t: TestDatabase): Promise<string[]> {
  const tables = await schemaWork(() => t.database.db.introspection.getTables());
  // PostgreSQL lists every schema's tables: keep this test's own.
  return tables
    .filter((table) => t.schema === undefined || table.schema === t.schema)
    .map((table) => table.name)
    .sort();
}

describe(`migrations (${testDialect})`, () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase({ migrate: false });
  });
  after(() => t.drop());

  it('applies every migration on an empty database, in order', async () => {
    const applied = await schemaWork(() => migrateToLatest(t.database));
    assert.deepEqual(
      applied,
      migrations.map(([name]) => `applied ${name}`),
    );
    assert.deepEqual(
      await schemaWork(() => appliedMigrations(t.database)),
      migrations.map(([name]) => name),
    );
    assert.ok((await tableNames(t)).includes('outbox_messages'));
  });

  it('is idempotent: a second run applies nothing', async () => {
    assert.deepEqual(await schemaWork(() => migrateToLatest(t.database)), []);
  });

  it('reverts every migration with fixture rows present, then applies again', async () => {
    await t.database.db
      .insertInto('outbox_messages')
      .values({
        id: '0190d2c0-0000-7000-8000-000000000001',
        channel: 'mail',
        payload: JSON.stringify({ to: 'a@example.com' }),
        next_attempt_at: '2026-01-01T00:00:00.000Z',
        locked_until: null,
        last_error: null,
        created_at: '2026-01-01T00:00:00.000Z',
        sent_at: null,
      })
      .execute();
    const reverted = await schemaWork(() => migrateToZero(t.database));
    assert.equal(reverted.length, migrations.length);
    assert.ok(!(await tableNames(t)).includes('outbox_messages'));
    await schemaWork(() => migrateToLatest(t.database));
    const { rows } = await sql<{ n: number }>`select count(*) as n from outbox_messages`.execute(
      t.database.db,
    );
    assert.equal(Number(rows[0]?.n), 0);
  });

  it('stores instants and JSON the same way on both dialects', async () => {
    await t.database.db
      .insertInto('outbox_messages')
      .values({
        id: '0190d2c0-0000-7000-8000-000000000002',
        channel: 'mail',
        payload: JSON.stringify({ nested: { ok: true } }),
        next_attempt_at: '2026-03-04T05:06:07.089Z',
        locked_until: null,
        last_error: null,
        created_at: '2026-03-04T05:06:07.089Z',
        sent_at: null,
      })
      .execute();
    const row = await t.database.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('id', '=', '0190d2c0-0000-7000-8000-000000000002')
      .executeTakeFirstOrThrow();
    assert.equal(row.created_at, '2026-03-04T05:06:07.089Z');
    assert.equal(typeof row.payload, 'string');
    assert.deepEqual(JSON.parse(row.payload), { nested: { ok: true } });
    assert.equal(row.attempts, 0);
    assert.equal(row.status, 'pending');
  });
});
