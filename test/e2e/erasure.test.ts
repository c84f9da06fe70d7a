// Erasure reaches every module: after DELETE /v1/me no table holds a row of
// the user but the tombstone in `users` (id, status and times only) and the
// audit trail (security events by user id, with the client address and agent
// they came from, kept for investigation). The tables are listed
// from the database itself, so a module added later (media, OAuth grants,
// reports) that forgets to register its accountErased handler fails here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { compose } from '../../src/compose.ts';
import { createApiKeys } from '../../src/modules/sessions/api-keys.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { totpCodeAt } from '../../src/platform/crypto/totp.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { DomainError } from '../../src/platform/domain-error.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { get, login, post, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, type SignedUpAccount } from '../helpers/factories.ts';
import { png } from '../helpers/images.ts';
import { directUpload, putAvatar } from '../helpers/media.ts';

/** Tables kept on purpose: the tombstone, the audit trail, migration bookkeeping. */
const KEPT = new Set(['users', 'audit_events']);

async function columnsByTable(database: Database): Promise<Map<string, string[]>> {
  const { db } = database;
  const tables = new Map<string, string[]>();
  if (database.dialect === 'sqlite') {
    const names = await sql<{ name: string }>`
      select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
    for (const { name } of names.rows) {
      const cols = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(db);
      tables.set(
        name,
        cols.rows.map((c) => c.name),
      );
    }
  } else {
    const cols = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema()`.execute(db);
    for (const { table_name, column_name } of cols.rows)
      tables.set(table_name, [...(tables.get(table_name) ?? []), column_name]);
  }
  return tables;
}

/** Rows of every table in which some column holds `value` exactly. */
async function rowsHolding(database: Database, value: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const [table, columns] of await columnsByTable(database)) {
    if (table.startsWith('kysely_')) continue;
    const where = sql.join(
      columns.map((c) => sql`cast(${sql.ref(c)} as text) = ${value}`),
      sql` or `,
    );
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from ${sql.table(table)} where ${where}`.execute(database.db);
    const n = Number(rows[0]?.n ?? 0);
    if (n > 0) found.set(table, n);
  }
  return found;
}

describe(`account erasure leaves no row of the user (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({
      env: {
        ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false',
        ROSTER_ACHIEVEMENTS: 'five-star:20,referral:10',
        ROSTER_ACCOUNT_TYPES: 'recipient',
        ROSTER_DEFAULT_ACCOUNT_TYPE: 'recipient',
      },
    });
  });
  after(() => t.close());

  /** The user touches every module: sessions, profile and tags, the graph, invites, MFA, codes. */
  async function busyAccount(): Promise<SignedUpAccount> {
    // Invited and referred by someone, and inviting and referring someone in turn.
    const host = await account(t);
    const invite = await request(t, 'POST', '/v1/me/invite-codes', { token: host.token, body: {} });
    const hostReferral = await request(t, 'GET', '/v1/me/referrals', { token: host.token });
    assert.equal(invite.statusCode, 201, invite.body);
    const me = await account(t, {
      profile: { headline: 'Erasable', tags: ['erasure-probe'] },
      fields: { inviteCode: invite.json().code, referralCode: hostReferral.json().code },
    });
    const myReferral = await request(t, 'GET', '/v1/me/referrals', { token: me.token });
    await account(t, { fields: { referralCode: myReferral.json().code } });
    const [friend, fan, pest] = [await account(t), await account(t), await account(t)];
    const call = (method: 'POST' | 'PUT' | 'DELETE', url: string, token: string, body?: object) =>
      request(t, method, url, { token, ...(body ? { body } : {}) });
    assert.equal((await call('POST', `/v1/users/${friend.id}/follow`, me.token)).statusCode, 200);
    assert.equal((await call('POST', `/v1/users/${me.id}/follow`, fan.token)).statusCode, 200);
    assert.equal((await call('POST', `/v1/users/${pest.id}/block`, me.token)).statusCode, 204);
    assert.equal((await call('PUT', `/v1/me/bookmarks/${friend.id}`, me.token)).statusCode, 204);
    assert.equal((await call('PUT', `/v1/me/bookmarks/${me.id}`, fan.token)).statusCode, 204);
    assert.equal((await call('POST', '/v1/me/invite-codes', me.token, {})).statusCode, 201);
    const setup = await call('POST', '/v1/me/mfa/totp', me.token, {});
    assert.equal(setup.statusCode, 200, setup.body);
    const activated = await call('POST', '/v1/me/mfa/totp/activate', me.token, {
      code: totpCodeAt(setup.json().secret, new Date(Date.now())),
      currentPassword: me.password,
    });
    assert.equal(activated.statusCode, 200, activated.body);
    // An avatar, and a direct upload whose bytes arrived but that was never used.
    const avatar = await putAvatar(t, me.token, await png());
    assert.equal(avatar.statusCode, 200, avatar.body);
    await directUpload(t, await png(120, 120), { token: me.token });
    // Activity recorded for them by the app.
    const { key } = await createApiKeys({ db: t.db.database.db, clock: systemClock }).create('app', [
      'activity:write',
    ]);
    const activity = await request(t, 'POST', '/v1/activity/events', {
      headers: { 'x-api-key': key },
      body: {
        events: [
          {
            id: 'e1',
            userId: me.id,
            stream: 'mcq',
            scope: 'c1',
            kind: 'first_attempt',
            correct: true,
            at: new Date(Date.now()).toISOString(),
          },
        ],
      },
    });
    assert.equal(activity.statusCode, 200, activity.body);
    // A report by them, and one about them.
    const report = await call('POST', '/v1/reports', me.token, {
      subject: { type: 'mcq', id: 'q1' },
      issueType: 'typo',
    });
    assert.equal(report.statusCode, 201, report.body);
    const reported = await call('POST', '/v1/reports', fan.token, {
      subject: { type: 'user', id: me.id },
      issueType: 'spam',
    });
    assert.equal(reported.statusCode, 201, reported.body);
    // A second session, and a pending MFA challenge from a third sign-in.
    const challenged = await login(t, me.email, me.password);
    assert.equal(challenged.statusCode, 200, challenged.body);
    assert.equal((await post(t, '/v1/password/forgot', { email: me.email })).statusCode, 202);
    return me;
  }

  it('deletes every row that names the user, in every table', async () => {
    const me = await busyAccount();
    const before = await rowsHolding(t.db.database, me.id);
    // The set-up reached the modules this test is about.
    for (const table of [
      'profiles',
      'user_tags',
      'follows',
      'blocks',
      'bookmarks',
      'mfa_factors',
      'sessions',
      'invite_codes',
      'referral_codes',
      'referrals',
      'media_objects',
      'media_uploads',
      'media_avatars',
      'reports',
      'activity_events',
      'activity_sequences',
      'activity_daily',
      'achievements',
      'user_presence',
    ])
      assert.ok(before.has(table), `the set-up left a ${table} row`);

    const deleted = await request(t, 'DELETE', '/v1/me', {
      token: me.token,
      body: { password: me.password },
    });
    assert.equal(deleted.statusCode, 204, deleted.body);

    const left = await rowsHolding(t.db.database, me.id);
    const unexpected = [...left.keys()].filter((table) => !KEPT.has(table));
    assert.deepEqual(unexpected, [], `rows of the erased user remain in: ${unexpected.join(', ')}`);
    assert.equal(left.get('users'), 1, 'one tombstone');
    // The address is in no column any more (the deletion notice queued in the
    // outbox carries it inside its JSON payload until it is sent).
    const byEmail = [...(await rowsHolding(t.db.database, me.email)).keys()];
    assert.deepEqual(byEmail, []);
    const profile = await get(t, `/v1/users/${me.id}`, (await account(t)).token);
    assert.equal(profile.statusCode, 404);
  });

  it('refuses writes made for an erased account (a token another node has not dropped yet)', async () => {
    const me = await account(t);
    const other = await account(t);
    const deleted = await request(t, 'DELETE', '/v1/me', {
      token: me.token,
      body: { password: me.password },
    });
    assert.equal(deleted.statusCode, 204);
    // The services, as a request holding a still-cached session would reach them.
    const node = compose(t.config, t.db.database, systemClock, t.app.log);
    const gone = (error: unknown) => error instanceof DomainError && error.code === 'user_not_found';
    try {
      await assert.rejects(node.social.follow(me.id, other.id), gone);
      await assert.rejects(node.social.block(me.id, other.id), gone);
      await assert.rejects(node.social.bookmark(me.id, other.id), gone);
      await assert.rejects(node.invites.createCode(me.id), gone);
      await assert.rejects(node.invites.referral(me.id), gone);
    } finally {
      await node.stop();
    }
    const left = [...(await rowsHolding(t.db.database, me.id)).keys()].filter((table) => !KEPT.has(table));
    assert.deepEqual(left, []);
  });
});
