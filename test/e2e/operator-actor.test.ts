// Operator actions (create, ban, delete accounts) need `users:write` and
// record who acted: the CLI as `{by: 'cli'}`, an admin user by their id. A
// plain user or a service key may not act at all.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compose, type Roster } from '../../src/compose.ts';
import { CLI_PRINCIPAL, type Principal } from '../../src/platform/auth/principal.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { DomainError } from '../../src/platform/domain-error.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { testDialect } from '../helpers/dialect.ts';

const PASSWORD = 'operator actor passphrase';

describe(`operator actions record their actor (${testDialect})`, () => {
  let t: TestApp;
  let node: Roster;
  let emails = 0;
  const email = () => `actor-${++emails}@example.com`;

  const create = (by: Principal) =>
    node.operator.createUser(by, { email: email(), password: PASSWORD, role: 'user', verified: true });
  /** A signed-in user's principal, as the authenticator builds it from their access token. */
  async function principalOf(role: 'user' | 'admin'): Promise<Principal> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: email(), password: PASSWORD },
    });
    assert.equal(res.statusCode, 201);
    await t.db.database.db.updateTable('users').set({ role }).where('id', '=', res.json().user.id).execute();
    return node.sessions.authenticate(res.json().session.accessToken);
  }
  async function auditDetail(type: string, userId: string): Promise<unknown> {
    const row = await t.db.database.db
      .selectFrom('audit_events')
      .select('detail')
      .where('type', '=', type)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    return JSON.parse(row.detail ?? 'null');
  }
  const refused = (error: unknown) => error instanceof DomainError && error.code === 'forbidden';

  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
    node = compose(t.config, t.db.database, systemClock, t.app.log);
    await node.keys.start();
  });
  after(async () => {
    node.keys.stop();
    await node.stop();
    await t.close();
  });

  it('the CLI is recorded as the CLI', async () => {
    const created = await create(CLI_PRINCIPAL);
    assert.deepEqual(await auditDetail('account.created', created.id), { by: 'cli', role: 'user' });
    await node.operator.banUser(CLI_PRINCIPAL, created.id);
    assert.deepEqual(await auditDetail('account.banned', created.id), { by: 'cli' });
    await node.operator.deleteUser(CLI_PRINCIPAL, created.id);
    assert.deepEqual(await auditDetail('account.deleted', created.id), { by: 'cli' });
  });

  it('an admin is recorded by their user id', async () => {
    const admin = await principalOf('admin');
    assert.equal(admin.kind, 'user');
    const adminId = admin.kind === 'user' ? admin.userId : '';
    const created = await create(admin);
    assert.deepEqual(await auditDetail('account.created', created.id), {
      by: 'user',
      actorId: adminId,
      role: 'user',
    });
    const banned = await node.operator.banUser(admin, created.id);
    assert.equal(banned.status, 'banned');
    assert.deepEqual(await auditDetail('account.banned', created.id), { by: 'user', actorId: adminId });
    await node.operator.deleteUser(admin, created.id);
    assert.deepEqual(await auditDetail('account.deleted', created.id), { by: 'user', actorId: adminId });
  });

  it('a plain user and a service key may not act, and nothing changes', async () => {
    const target = await create(CLI_PRINCIPAL);
    const member = await principalOf('user');
    const { key } = await node.apiKeys.create('look-ups', ['users:read']);
    const service = await node.apiKeys.authenticate(key);
    assert.ok(service);
    for (const by of [member, service]) {
      await assert.rejects(node.operator.banUser(by, target.id), refused);
      await assert.rejects(node.operator.deleteUser(by, target.id), refused);
      await assert.rejects(create(by), refused);
    }
    assert.equal((await node.operator.findUser(CLI_PRINCIPAL, target.id)).status, 'active');
    // Reading accounts needs users:read: the key has it, a plain user does not.
    await assert.rejects(node.operator.list(member, { limit: 1 }), refused);
    await assert.rejects(node.operator.findUser(member, target.id), refused);
    assert.equal((await node.operator.findUser(service, target.id)).id, target.id);
  });
});
