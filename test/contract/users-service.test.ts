// The users service runs the hook that follows each write to the record; a
// profile edit that leaves the names as they were is no account change; a
// number set unverified never replaces or removes a verified one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createUsersService } from '../../src/modules/users/index.ts';
import { inTransaction } from '../../src/platform/db/executor.ts';
import { DomainError } from '../../src/platform/domain-error.ts';
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

  it('sets and removes an unverified number; a verified one stays, whoever verified it first', async () => {
    const hooks = createHooks();
    const changed: string[] = [];
    hooks.on('accountChanged', async (_trx, e) => {
      changed.push(e.userId);
    });
    const users = createUsersService({ hooks, dialect: t.database.dialect });
    const { db } = t.database;
    const id = newId();
    const now = '2026-01-01T00:00:00.000Z';
    await inTransaction(db, (trx) =>
      users.insert(trx, {
        id,
        email: null,
        emailVerifiedAt: null,
        phone: null,
        role: 'user',
        now,
        username: null,
        firstName: null,
        lastName: null,
      }),
    );
    const phoneOf = () =>
      db
        .selectFrom('users')
        .select(['phone', 'phone_verified_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    const unverified = { id, phone: null, phoneVerifiedAt: null };
    await inTransaction(db, (trx) => users.setUnverifiedPhone(trx, unverified, '+14155552671', now));
    assert.deepEqual({ ...(await phoneOf()) }, { phone: '+14155552671', phone_verified_at: null });
    assert.deepEqual(changed, [id]);
    const set = { id, phone: '+14155552671', phoneVerifiedAt: null };
    await inTransaction(db, (trx) => users.setUnverifiedPhone(trx, set, '+14155552671', now));
    assert.deepEqual(changed, [id], 'the same number is no change');

    // Verified meanwhile (the read the caller holds is stale): refused, the verified number stays.
    await inTransaction(db, (trx) => users.setVerifiedPhone(trx, id, '+14155552671', now));
    const refused = (error: unknown) => error instanceof DomainError && error.code === 'phone_verified';
    for (const next of ['+442071838750', null]) {
      await assert.rejects(
        inTransaction(db, (trx) => users.setUnverifiedPhone(trx, set, next, now)),
        refused,
      );
      const verified = { id, phone: '+14155552671', phoneVerifiedAt: now };
      await assert.rejects(
        inTransaction(db, (trx) => users.setUnverifiedPhone(trx, verified, next, now)),
        refused,
      );
    }
    assert.deepEqual({ ...(await phoneOf()) }, { phone: '+14155552671', phone_verified_at: now });
  });
});
