// The users service runs the hook that follows each write to the record; a
// profile edit that leaves the names as they were is no account change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUsersService } from '../../src/modules/users/index.ts';
import { inTransaction } from '../../src/platform/db/executor.ts';
import { createHooks } from '../../src/platform/hooks.ts';
import { newId } from '../../src/platform/ids.ts';
import { testDialect } from '../helpers/dialect.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

describe(`users service hooks (${testDialect})`, () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());

  it('runs accountChanged for a rename only, and writes the names either way', async () => {
    const hooks = createHooks();
    const changed: string[] = [];
    hooks.on('accountChanged', async (_trx, e) => {
      changed.push(e.userId);
    });
    const users = createUsersService({ hooks, dialect: t.database.dialect });
    const id = newId();
    const now = '2026-01-01T00:00:00.000Z';
    const names = { firstName: 'Ada', lastName: 'Lovelace', username: 'ada' };
    const { db } = t.database;
    await inTransaction(db, (trx) =>
      users.insert(trx, { id, email: null, emailVerifiedAt: null, phone: null, role: 'user', now, ...names }),
    );
    const user = { id, ...names };
    await inTransaction(db, (trx) => users.updateNames(trx, user, names, '2026-01-02T00:00:00.000Z'));
    assert.deepEqual(changed, [], 'the same names are no change');
    await inTransaction(db, (trx) =>
      users.updateNames(trx, user, { ...names, lastName: 'King' }, '2026-01-03T00:00:00.000Z'),
    );
    assert.deepEqual(changed, [id]);
    const row = await db
      .selectFrom('users')
      .select(['last_name', 'updated_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    assert.deepEqual({ ...row }, { last_name: 'King', updated_at: '2026-01-03T00:00:00.000Z' });
  });
});
