// What staff and service keys set beside an account's standing: a
// subscription (a configured tier and when it ends; `isSubscribed` follows
// the clock, not a job), a restriction flag for the apps, and the views'
// ban flag. None of them is the user's to set; every change is audited.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { compose, type Roster } from '../../src/compose.ts';
import { createApiKeys } from '../../src/modules/sessions/api-keys.ts';
import { CLI_PRINCIPAL } from '../../src/platform/auth/principal.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, get, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, makeAdmin } from '../helpers/factories.ts';

const DAY = 86_400_000;
/** Short enough that the access tokens of the test outlive it. */
const MINUTE = 60_000;

describe(`subscriptions, restriction and bans (${testDialect})`, () => {
  const clock = new ManualClock(new Date());
  let t: TestApp;
  let roster: Roster;
  let admin: { id: string; token: string };
  let billingKey: string;
  let standingKey: string;
  before(async () => {
    t = await buildTestApp({
      clock,
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', ROSTER_SUBSCRIPTION_TIERS: 'basic,pro' },
    });
    roster = compose(t.config, t.db.database, clock, t.app.log);
    admin = await account(t, { label: 'admin' });
    await makeAdmin(t, admin.id);
    const keys = createApiKeys({ db: t.db.database.db, clock });
    billingKey = (await keys.create('billing', ['subscriptions:write'])).key;
    standingKey = (await keys.create('moderation', ['standing:write'])).key;
  });
  after(async () => {
    await roster.stop();
    await t.close();
  });

  const subscribe = (auth: { token?: string; key?: string }, id: string, body: unknown) =>
    request(t, 'PUT', `/v1/admin/users/${id}/subscription`, {
      ...(auth.token ? { token: auth.token } : {}),
      ...(auth.key ? { headers: { 'x-api-key': auth.key } } : {}),
      body,
    });
  const me = async (token: string) => (await get(t, '/v1/me', token)).json();
  const subscriptionOf = (v: Record<string, unknown>) => [
    v.isSubscribed,
    v.subscriptionTier,
    v.subscriptionExpiresAt,
  ];

  it('a billing key sets a tier until an end; isSubscribed follows the clock', async () => {
    const user = await account(t);
    const viewer = await account(t);
    assert.deepEqual(subscriptionOf(await me(user.token)), [false, null, null]);
    const ends = new Date(clock.now().getTime() + MINUTE).toISOString();
    const res = await subscribe({ key: billingKey }, user.id, { tier: 'basic', expiresAt: ends });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().subscription, { tier: 'basic', expiresAt: ends, active: true });
    assert.deepEqual(subscriptionOf(await me(user.token)), [true, 'basic', ends]);
    // Others see whether and at which tier; the end is a billing detail.
    const seen = (await get(t, `/v1/users/${user.id}`, viewer.token)).json();
    assert.deepEqual([seen.isSubscribed, seen.subscriptionTier], [true, 'basic']);
    assert.equal('subscriptionExpiresAt' in seen, false);
    // Past its end it lapses without anything being written; the tier stays on record.
    clock.advance(2 * MINUTE);
    assert.deepEqual(subscriptionOf(await me(user.token)), [false, 'basic', ends]);
    assert.equal((await get(t, `/v1/users/${user.id}`, viewer.token)).json().isSubscribed, false);
    assert.equal(
      (await get(t, `/v1/admin/users/${user.id}/standing`, admin.token)).json().subscription.active,
      false,
    );
    // No end: it runs until changed; a null tier ends it.
    const open = await subscribe({ token: admin.token }, user.id, { tier: 'pro', expiresAt: null });
    assert.deepEqual(open.json().subscription, { tier: 'pro', expiresAt: null, active: true });
    assert.equal((await me(user.token)).isSubscribed, true);
    const ended = await subscribe({ key: billingKey }, user.id, { tier: null, expiresAt: null });
    assert.deepEqual(ended.json().subscription, { tier: null, expiresAt: null, active: false });
    assert.deepEqual(subscriptionOf(await me(user.token)), [false, null, null]);
    // Audited with the actor, in order: the key, the admin, the key.
    const audit = await t.db.database.db
      .selectFrom('audit_events')
      .select(['detail'])
      .where('user_id', '=', user.id)
      .where('type', '=', 'account.subscription_changed')
      .orderBy('created_at')
      .execute();
    const details = audit.map((a) => (typeof a.detail === 'string' ? JSON.parse(a.detail) : a.detail));
    assert.deepEqual(
      details.map((d) => [d.by, d.tier]),
      [
        ['service', 'basic'],
        ['user', 'pro'],
        ['service', null],
      ],
    );
    assert.equal(details[1].actorId, admin.id);
  });

  it('refuses tiers nobody configured, an end without a tier, and everyone without the scope', async () => {
    const user = await account(t);
    const later = new Date(clock.now().getTime() + DAY).toISOString();
    for (const body of [
      { tier: 'gold', expiresAt: null },
      { tier: null, expiresAt: later },
      { tier: 'basic', expiresAt: 'next tuesday' },
      { tier: 'basic' },
      { tier: 'basic', expiresAt: null, extra: 1 },
    ]) {
      const res = await subscribe({ token: admin.token }, user.id, body);
      assertProblem(res, 422, 'validation_failed');
    }
    assertProblem(
      await subscribe({ token: user.token }, user.id, { tier: 'pro', expiresAt: null }),
      403,
      'forbidden',
    );
    assertProblem(
      await subscribe({ key: standingKey }, user.id, { tier: 'pro', expiresAt: null }),
      403,
      'forbidden',
    );
    assertProblem(
      await subscribe({ token: admin.token }, '01a23555-ec71-7108-ad72-6a4af40f1c00', {
        tier: 'pro',
        expiresAt: null,
      }),
      404,
      'user_not_found',
    );
    // The profile's own PATCH has no such fields.
    for (const body of [{ subscriptionTier: 'pro' }, { isSubscribed: true }, { isRestricted: false }]) {
      const own = await request(t, 'PATCH', '/v1/me', { token: user.token, body });
      assertProblem(own, 422, 'validation_failed');
    }
    assert.deepEqual(subscriptionOf(await me(user.token)), [false, null, null]);
  });

  it('restricts an account: a flag staff and standing keys set, shown to the owner, others and staff', async () => {
    const user = await account(t);
    const viewer = await account(t);
    assert.equal((await me(user.token)).isRestricted, false);
    const res = await request(t, 'PATCH', `/v1/admin/users/${user.id}/standing`, {
      headers: { 'x-api-key': standingKey },
      body: { restricted: true },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().restricted, true);
    assert.equal((await me(user.token)).isRestricted, true);
    assert.equal((await get(t, `/v1/users/${user.id}`, viewer.token)).json().isRestricted, true);
    assert.equal((await roster.profiles.adminView(user.id)).isRestricted, true);
    // Nothing else changes for it: the account still signs in, edits and is found.
    assert.equal(
      (await request(t, 'PATCH', '/v1/me', { token: user.token, body: { bio: 'hi' } })).statusCode,
      200,
    );
    assertProblem(
      await request(t, 'PATCH', `/v1/admin/users/${user.id}/standing`, {
        headers: { 'x-api-key': billingKey },
        body: { restricted: false },
      }),
      403,
      'forbidden',
    );
    const lifted = await request(t, 'PATCH', `/v1/admin/users/${user.id}/standing`, {
      token: admin.token,
      body: { restricted: false },
    });
    assert.equal(lifted.json().restricted, false);
    assert.equal((await me(user.token)).isRestricted, false);
  });

  it('shows a ban in the admin view; others no longer see the account at all', async () => {
    const user = await account(t);
    const viewer = await account(t);
    assert.equal((await me(user.token)).isBanned, false);
    assert.equal((await get(t, `/v1/users/${user.id}`, viewer.token)).json().isBanned, false);
    await roster.operator.banUser(CLI_PRINCIPAL, user.id);
    const view = await roster.profiles.adminView(user.id);
    assert.deepEqual([view.isBanned, view.status], [true, 'banned']);
    assert.equal((await get(t, `/v1/users/${user.id}`, viewer.token)).statusCode, 404);
  });
});
