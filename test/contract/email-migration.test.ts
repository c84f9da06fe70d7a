// Migration 0012 rewrites addresses stored before the mailbox rule to the
// mailbox they name, so their owners still sign in by what they type; it
// leaves a row alone when another account has that mailbox, or when the rule
// refuses the address outright.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findUserById, insertUser } from '../../src/modules/users/users.repository.ts';
import { emailAddresses } from '../../src/platform/db/migrations/0012-email-addresses.ts';
import { newId } from '../../src/platform/ids.ts';
import { testDialect } from '../helpers/dialect.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

describe(`migration 0012: stored addresses become mailboxes (${testDialect})`, () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());

  async function userWith(email: string): Promise<string> {
    const id = newId();
    const now = new Date('2026-01-01T00:00:00Z').toISOString();
    await insertUser(t.database.db, {
      id,
      email,
      emailVerifiedAt: now,
      username: null,
      phone: null,
      firstName: null,
      lastName: null,
      role: 'user',
      now,
    });
    return id;
  }
  const emailOf = async (id: string) => (await findUserById(t.database.db, id))!.email;

  it('rewrites old spellings, and leaves collisions and refused addresses as they were', async () => {
    const idn = await userWith('ada@bücher.example.');
    const decomposed = await userWith('zoe@cafe\u0301.example');
    const plain = await userWith('plain@example.com');
    const collides = await userWith('bob@xn--bcher-kva.example.');
    const holder = await userWith('bob@xn--bcher-kva.example');
    const refused = await userWith('ceo@corp.com(x).evil.com');

    await emailAddresses.up(t.database.db, t.database.dialect);

    assert.equal(await emailOf(idn), 'ada@xn--bcher-kva.example');
    assert.equal(await emailOf(decomposed), 'zoe@xn--caf-dma.example');
    assert.equal(await emailOf(plain), 'plain@example.com');
    assert.equal(await emailOf(collides), 'bob@xn--bcher-kva.example.', 'another account has that mailbox');
    assert.equal(await emailOf(holder), 'bob@xn--bcher-kva.example');
    assert.equal(await emailOf(refused), 'ceo@corp.com(x).evil.com');
  });
});
