// Unknown and known accounts take the same path: a forgotten-password request
// and a wrong password run the same SQL statements on the request path
// (counted per request, not timed) and write the same rows; the code and link
// are issued by the outbox worker, off the request path, and only an active
// account gets them. Open reset codes die when the password changes.
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { after, before, describe, it } from 'node:test';
import type {
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
} from 'kysely';
import type { MailMessage } from '../../src/platform/mailer/mailer.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, post, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { freshEmail, STRONG_PASSWORD, session, verifiedAccount } from '../helpers/factories.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';
import { waitForMessage } from '../helpers/wait-for.ts';

/** `insert audit_events`, `select users`: what a statement does, and to which table first. */
function describeNode(node: OperationNode): string {
  const verb = node.kind.replace(/QueryNode$/, '').toLowerCase();
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const value = stack.shift();
    if (value === null || typeof value !== 'object') continue;
    const maybe = value as { kind?: string; table?: { identifier?: { name?: string } } };
    if (maybe.kind === 'TableNode' && maybe.table?.identifier?.name)
      return `${verb} ${maybe.table.identifier.name}`;
    stack.push(...Object.values(value));
  }
  return verb;
}

/** Records the statements run in the async context of `run()`: one request's, not the worker's. */
class StatementLog implements KyselyPlugin {
  readonly #current = new AsyncLocalStorage<string[]>();

  async run(work: () => Promise<unknown>): Promise<string[]> {
    const statements: string[] = [];
    await this.#current.run(statements, work);
    return statements;
  }

  transformQuery(args: PluginTransformQueryArgs) {
    this.#current.getStore()?.push(describeNode(args.node));
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs) {
    return args.result;
  }
}

describe(`equal work for unknown and known accounts (${testDialect})`, () => {
  const log = new StatementLog();
  const sent: MailMessage[] = [];
  const waiters = new Set<() => void>();
  let base: TestDatabase;
  let t: TestApp;

  before(async () => {
    base = await createTestDatabase();
    const database = { ...base.database, db: base.database.db.withPlugin(log) };
    t = await buildTestApp({
      db: { ...base, database },
      overrides: {
        mailer: {
          async send(message) {
            sent.push(message);
            for (const wake of waiters) wake();
          },
        },
      },
    });
  });
  after(async () => {
    await t.close();
    await base.drop();
  });

  const mailTo = (to: string, subject: RegExp) =>
    waitForMessage(sent, waiters, (m) => m.to === to && subject.test(m.subject), 5000, `mail to ${to}`);
  const count = async (table: 'audit_events' | 'outbox_messages' | 'one_time_codes') =>
    Number(
      (
        await base.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const resetRequests = async (userId: string | null) =>
    (
      await base.database.db
        .selectFrom('audit_events')
        .select(['user_id', 'detail'])
        .where('type', '=', 'password.reset_requested')
        .execute()
    ).filter((row) => row.user_id === userId);

  it('forgot-password: the same statements and rows for an unknown and a known address; only the known gets mail', async () => {
    const email = freshEmail('forgot-known');
    const { id: userId } = await verifiedAccount(t, { email });
    const unknown = freshEmail('forgot-ghost');

    const before = { audit: await count('audit_events'), codes: await count('one_time_codes') };
    const forUnknown = await log.run(async () => {
      const res = await post(t, '/v1/password/forgot', { email: unknown });
      assert.equal(res.statusCode, 202);
    });
    const forKnown = await log.run(async () => {
      const res = await post(t, '/v1/password/forgot', { email });
      assert.equal(res.statusCode, 202);
    });
    assert.deepEqual(forKnown, forUnknown);
    assert.deepEqual(forKnown, ['select users', 'insert audit_events', 'insert outbox_messages']);
    // One audit row each: with the account for the known address, with none (and no address) otherwise.
    assert.equal((await count('audit_events')) - before.audit, 2);
    assert.equal((await resetRequests(userId)).length, 1);
    const anonymous = await resetRequests(null);
    assert.ok(anonymous.length >= 1);
    assert.ok(anonymous.every((row) => !JSON.stringify(row).includes(unknown)));

    // The worker issues the code and mails it for the known address only.
    const mail = await mailTo(email, /reset/i);
    assert.match(mail.text, /\b\d{6}\b/);
    assert.equal((await count('one_time_codes')) - before.codes, 1);
    assert.equal(sent.filter((m) => m.to === unknown).length, 0);
  });

  it('a wrong password: the same statements for an unknown and a known name, one audit row each', async () => {
    const email = freshEmail('wrong-known');
    const { id: userId } = await verifiedAccount(t, { email });
    const unknown = freshEmail('wrong-ghost');
    const failures = async (id: string | null) =>
      (
        await base.database.db
          .selectFrom('audit_events')
          .select('user_id')
          .where('type', '=', 'login.failed')
          .execute()
      ).filter((row) => row.user_id === id).length;
    const anonymousBefore = await failures(null);

    const forUnknown = await log.run(async () => {
      assertProblem(
        await post(t, '/v1/sessions', { identifier: unknown, password: 'wrong password 1' }),
        401,
        'invalid_credentials',
      );
    });
    const forKnown = await log.run(async () => {
      assertProblem(
        await post(t, '/v1/sessions', { identifier: email, password: 'wrong password 1' }),
        401,
        'invalid_credentials',
      );
    });
    assert.deepEqual(forKnown, forUnknown);
    assert.deepEqual(forKnown, ['select users', 'select credentials', 'insert audit_events']);
    assert.equal(await failures(userId), 1);
    assert.equal((await failures(null)) - anonymousBefore, 1);
  });

  it('open reset codes and links die when the password is changed', async () => {
    const email = freshEmail('reset-dies');
    await verifiedAccount(t, { email });
    const { accessToken } = await session(t, email);
    assert.equal((await post(t, '/v1/password/forgot', { email })).statusCode, 202);
    const mail = await mailTo(email, /reset/i);
    const code = /\b(\d{6})\b/.exec(mail.text)![1]!;
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;

    const changed = await request(t, 'PUT', '/v1/me/password', {
      token: accessToken,
      body: { currentPassword: STRONG_PASSWORD, newPassword: 'another long passphrase 7' },
    });
    assert.equal(changed.statusCode, 204, changed.body);

    const byCode = await post(t, '/v1/password/reset', {
      email,
      code,
      newPassword: 'a third long passphrase 8',
    });
    assertProblem(byCode, 422, 'invalid_code');
    const byLink = await post(t, '/v1/password/reset', { token, newPassword: 'a third long passphrase 8' });
    assertProblem(byLink, 422, 'invalid_link');
  });
});
