// The identifier rules live in the services, not in the native route
// schemas: a face that skips those schemas (a compat surface with its own
// shapes, the CLI, an OAuth upstream) gets the same refusals. Each call here
// goes to a service directly, with input no route schema would have let in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { compose, type Roster } from '../../src/compose.ts';
import { CLI_PRINCIPAL } from '../../src/platform/auth/principal.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { DomainError } from '../../src/platform/domain-error.ts';
import { SYSTEM_CONTEXT } from '../../src/platform/request-context.ts';
import { testConfig } from '../helpers/build-test-app.ts';
import { testDialect } from '../helpers/dialect.ts';
import { cheapHasher } from '../helpers/hashers.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

function assertInvalid(path: string) {
  return (error: unknown) => {
    assert.ok(error instanceof DomainError, String(error));
    assert.equal(error.code, 'validation_failed');
    assert.deepEqual(
      error.errors?.map((e) => e.path),
      [path],
    );
    return true;
  };
}

describe(`identifier rules at the service level (${testDialect})`, () => {
  let t: TestDatabase;
  let roster: Roster;
  before(async () => {
    t = await createTestDatabase();
    roster = compose(testConfig(), t.database, systemClock, pino({ level: 'silent' }), {
      hasher: cheapHasher(),
    });
  });
  after(async () => {
    await roster.stop();
    await t.drop();
  });

  const signUp = (fields: Record<string, string>) =>
    roster.accounts.register(
      { password: 'violet kettle drums 4 seasons', email: 'ada@example.com', ...fields },
      SYSTEM_CONTEXT,
    );

  it('refuses an address that is no plain mailbox, as the route does', async () => {
    for (const email of ['not an address', '"quoted"@example.com', 'ada@localhost', 'Ada <ada@example.com>'])
      await assert.rejects(signUp({ email }), assertInvalid('email'), email);
  });

  it('refuses a username outside the rule', async () => {
    for (const username of ['ab', 'has space', 'dash-ed', 'x'.repeat(31)])
      await assert.rejects(signUp({ username }), assertInvalid('username'), username);
  });

  it('refuses a phone number that is no number', async () => {
    await assert.rejects(signUp({ phone: 'call me' }), assertInvalid('phone'));
  });

  it('asks for exactly one of an address and a number in the look-up', async () => {
    for (const input of [{}, { email: 'ada@example.com', phone: '+14155550100' }])
      await assert.rejects(roster.operator.exists(CLI_PRINCIPAL, input), assertInvalid('email'));
  });

  it('changes nothing when it refuses', async () => {
    assert.equal(await roster.operator.list(CLI_PRINCIPAL, { limit: 10 }).then((users) => users.length), 0);
  });
});
