// An account's standing over HTTP: staff and service keys with the scope set
// the role (business roles only: admins come from the command line), the
// account type, the verification status and the score; the user sees them
// and cannot change them; others see the public part; the directory filters
// by role and type; concurrent score additions all count; every change is
// audited with its actor, and a refused one changes nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKeys } from '../../src/modules/sessions/api-keys.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, makeAdmin } from '../helpers/factories.ts';

describe(`account standing (${testDialect})`, () => {
  let t: TestApp;
  let admin: { id: string; token: string };
  let standingKey: string;
  let scoreKey: string;
  before(async () => {
    t = await buildTestApp({
      env: {
        ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false',
        ROSTER_ROLES: 'partner',
        ROSTER_ACCOUNT_TYPES: 'recipient,client',
        ROSTER_DEFAULT_ACCOUNT_TYPE: 'recipient',
      },
    });
    admin = await account(t, { label: 'admin' });
    await makeAdmin(t, admin.id);
    const keys = createApiKeys({ db: t.db.database.db, clock: systemClock });
    standingKey = (await keys.create('kyc-provider', ['standing:write', 'users:read'])).key;
    scoreKey = (await keys.create('game-server', ['scores:write'])).key;
  });
  after(() => t.close());

  const patch = (who: string, id: string, body: unknown) =>
    request(t, 'PATCH', `/v1/admin/users/${id}/standing`, { token: who, body });
  const score = (who: string, id: string, body: unknown) =>
    request(t, 'POST', `/v1/admin/users/${id}/score`, { token: who, body });
  const me = async (token: string) => (await request(t, 'GET', '/v1/me', { token })).json();

  it('gives new accounts the default type; staff set role, type and verification, which the views show', async () => {
    const user = await account(t);
    const other = await account(t);
    const fresh = await me(user.token);
    assert.deepEqual(
      { type: fresh.type, score: fresh.score, verified: fresh.verified, verification: fresh.verification },
      { type: 'recipient', score: 0, verified: false, verification: null },
    );
    const res = await patch(admin.token, user.id, {
      role: 'partner',
      type: 'client',
      verification: 'pending',
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {
      id: user.id,
      role: 'partner',
      type: 'client',
      verification: 'pending',
      restricted: false,
      score: 0,
      subscription: { tier: null, expiresAt: null, active: false },
    });
    const mine = await me(user.token);
    assert.equal(mine.role, 'partner');
    assert.equal(mine.verification, 'pending');
    // The status is the owner's and staff's; others see only whether it is verified.
    const seen = (await request(t, 'GET', `/v1/users/${user.id}`, { token: other.token })).json();
    assert.deepEqual(
      { role: seen.role, type: seen.type, verified: seen.verified, verification: seen.verification },
      { role: 'partner', type: 'client', verified: false, verification: undefined },
    );
    // A service key with the scope: the identity check came back.
    const checked = await request(t, 'PATCH', `/v1/admin/users/${user.id}/standing`, {
      headers: { 'x-api-key': standingKey },
      body: { verification: 'verified' },
    });
    assert.equal(checked.statusCode, 200, checked.body);
    assert.equal(
      (await request(t, 'GET', `/v1/users/${user.id}`, { token: other.token })).json().verified,
      true,
    );
    const read = await request(t, 'GET', `/v1/admin/users/${user.id}/standing`, {
      headers: { 'x-api-key': standingKey },
    });
    assert.deepEqual(read.json(), {
      id: user.id,
      role: 'partner',
      type: 'client',
      verification: 'verified',
      restricted: false,
      score: 0,
      subscription: { tier: null, expiresAt: null, active: false },
    });
    // Audited with the actor: the admin, then the key.
    const audit = await t.db.database.db
      .selectFrom('audit_events')
      .select(['detail'])
      .where('user_id', '=', user.id)
      .where('type', '=', 'account.standing_changed')
      .orderBy('created_at')
      .execute();
    const details = audit.map((a) => (typeof a.detail === 'string' ? JSON.parse(a.detail) : a.detail));
    assert.deepEqual(
      details.map((d) => [d.by, d.actorId]),
      [
        ['user', admin.id],
        ['service', details[1].actorId],
      ],
    );
    assert.equal(details[1].verification, 'verified');
  });

  it('refuses roles, types and statuses that are not configured, and the staff role, changing nothing', async () => {
    const user = await account(t);
    for (const body of [
      { role: 'admin' },
      { role: 'wizard' },
      { type: 'vendor' },
      { verification: 'approved' },
      { restricted: 'yes' },
      {},
      { role: 'partner', score: 10 },
    ]) {
      const res = await patch(admin.token, user.id, body);
      assert.equal(res.statusCode, 422, `${JSON.stringify(body)}: ${res.body}`);
    }
    const after = await me(user.token);
    assert.deepEqual([after.role, after.type, after.verification], ['user', 'recipient', null]);
    // An admin keeps their role whoever asks.
    const other = await account(t);
    await makeAdmin(t, other.id);
    assertProblem(await patch(admin.token, other.id, { role: 'partner' }), 403, 'forbidden');
    assertProblem(
      await patch(admin.token, '01a23555-ec71-7108-ad72-6a4af40f1c00', { role: 'partner' }),
      404,
      'user_not_found',
    );
  });

  it('lets nobody else set standing: the user, a key without the scope', async () => {
    const user = await account(t);
    assertProblem(await patch(user.token, user.id, { role: 'partner' }), 403, 'forbidden');
    assertProblem(await score(user.token, user.id, { add: 5 }), 403, 'forbidden');
    const res = await request(t, 'POST', `/v1/admin/users/${user.id}/score`, {
      headers: { 'x-api-key': standingKey },
      body: { add: 5 },
    });
    assertProblem(res, 403, 'forbidden');
    // The profile's own PATCH has no such fields.
    const own = await request(t, 'PATCH', '/v1/me', { token: user.token, body: { score: 99 } });
    assert.equal(own.statusCode, 422);
    assert.equal((await me(user.token)).score, 0);
  });

  it('adds to the score exactly under concurrency, sets it, and keeps it within range', async () => {
    const user = await account(t);
    const add = () =>
      request(t, 'POST', `/v1/admin/users/${user.id}/score`, {
        headers: { 'x-api-key': scoreKey },
        body: { add: 3 },
      });
    const replies = await Promise.all(Array.from({ length: 20 }, add));
    assert.ok(replies.every((r) => r.statusCode === 200));
    assert.equal((await me(user.token)).score, 60);
    assert.equal((await score(admin.token, user.id, { set: -5 })).json().score, -5);
    assertProblem(await score(admin.token, user.id, { add: -999_999_999 }), 422, 'validation_failed');
    assertProblem(await score(admin.token, user.id, { set: 1.5 }), 422, 'validation_failed');
    assertProblem(await score(admin.token, user.id, { set: 1, add: 1 }), 422, 'validation_failed');
    assert.equal((await me(user.token)).score, -5);
    const seen = (await request(t, 'GET', `/v1/users/${user.id}`, { token: admin.token })).json();
    assert.equal(seen.score, -5);
  });

  it('filters the directory by business role and by type', async () => {
    const partner = await account(t, { profile: { headline: 'Standing filter partner' } });
    const client = await account(t, { profile: { headline: 'Standing filter client' } });
    await patch(admin.token, partner.id, { role: 'partner' });
    await patch(admin.token, client.id, { type: 'client' });
    const search = async (query: string) =>
      (await request(t, 'GET', `/v1/users?q=standing%20filter&${query}`, { token: client.token }))
        .json()
        .items.map((u: { id: string }) => u.id);
    assert.deepEqual(await search('role=partner'), [partner.id]);
    assert.deepEqual(await search('type=client'), [client.id]);
    assert.deepEqual(await search('type=recipient'), [partner.id]);
    assert.deepEqual(await search('role=partner&type=client'), []);
    // A role or type nobody configured is a mistake, not an empty page.
    for (const bad of ['role=wizard', 'type=vendor']) {
      const res = await request(t, 'GET', `/v1/users?${bad}`, { token: client.token });
      assertProblem(res, 422, 'validation_failed');
    }
  });
});
