// Staff change another user's profile (PATCH /v1/admin/users/{id}/profile):
// admins, or service keys holding admin:profile:write. Every field, whatever
// ROSTER_PROFILE_EDITABLE_FIELDS leaves to users, under the owner's rules;
// audited with the actor; refused requests change nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiKeys } from '../../src/modules/sessions/api-keys.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, get, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, makeAdmin, type SignedUpAccount } from '../helpers/factories.ts';

describe(`staff profile edits (${testDialect})`, () => {
  let t: TestApp;
  let admin: SignedUpAccount;
  let profileKey: string;
  let otherKey: string;
  before(async () => {
    t = await buildTestApp({
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', ROSTER_PROFILE_EDITABLE_FIELDS: 'bio' },
    });
    admin = await account(t, { label: 'staff-admin' });
    await makeAdmin(t, admin.id);
    const keys = createApiKeys({ db: t.db.database.db, clock: systemClock });
    profileKey = (await keys.create('back office', ['admin:profile:write'])).key;
    otherKey = (await keys.create('moderation', ['standing:write'])).key;
  });
  after(() => t.close());

  const edit = (auth: { token?: string; key?: string }, id: string, body: unknown) =>
    request(t, 'PATCH', `/v1/admin/users/${id}/profile`, {
      ...(auth.token ? { token: auth.token } : {}),
      ...(auth.key ? { headers: { 'x-api-key': auth.key } } : {}),
      body,
    });
  const me = async (user: SignedUpAccount) => (await get(t, '/v1/me', user.token)).json();
  const audited = async (userId: string) => {
    const rows = await t.db.database.db
      .selectFrom('audit_events')
      .select(['detail'])
      .where('user_id', '=', userId)
      .where('type', '=', 'profile.changed_by_staff')
      .orderBy('created_at')
      .execute();
    return rows.map((r) => (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail));
  };

  it('an admin changes fields the user may not, and gets the full view; audited with the actor', async () => {
    const user = await account(t, { label: 'staff-edited' });
    assertProblem(
      await request(t, 'PATCH', '/v1/me', { token: user.token, body: { headline: 'Self' } }),
      403,
      'field_not_editable',
    );
    const res = await edit({ token: admin.token }, user.id, {
      headline: 'Set by staff',
      name: { first: 'Grace' },
      contact: { city: 'Arlington' },
    });
    assert.equal(res.statusCode, 200, res.body);
    const view = res.json();
    assert.deepEqual(
      [view.id, view.email, view.headline, view.name.first, view.contact.city],
      [user.id, user.email, 'Set by staff', 'Grace', 'Arlington'],
    );
    assert.deepEqual((await me(user)).headline, 'Set by staff');
    assert.deepEqual(await audited(user.id), [
      { by: 'user', actorId: admin.id, fields: ['contact', 'headline', 'name'] },
    ]);
  });

  it('a service key with admin:profile:write may; one without it, and users, may not', async () => {
    const user = await account(t, { label: 'staff-keyed' });
    const bystander = await account(t, { label: 'staff-bystander' });
    const res = await edit({ key: profileKey }, user.id, { headline: 'From the back office' });
    assert.equal(res.statusCode, 200, res.body);
    const before = await me(user);
    assertProblem(await edit({ key: otherKey }, user.id, { headline: 'No' }), 403, 'forbidden');
    assertProblem(await edit({ token: bystander.token }, user.id, { headline: 'No' }), 403, 'forbidden');
    assertProblem(await edit({ token: user.token }, user.id, { headline: 'No' }), 403, 'forbidden');
    assertProblem(await edit({}, user.id, { headline: 'No' }), 401, 'unauthenticated');
    assert.deepEqual(await me(user), before);
    assert.equal(before.headline, 'From the back office');
    const [detail] = await audited(user.id);
    assert.equal(detail.by, 'service');
  });

  it('a service key cannot change a staff account’s profile; an admin can', async () => {
    const other = await account(t, { label: 'staff-other-admin' });
    await makeAdmin(t, other.id);
    assertProblem(await edit({ key: profileKey }, other.id, { headline: 'From a key' }), 403, 'forbidden');
    assert.equal((await me(other)).headline, null);
    const res = await edit({ token: admin.token }, other.id, { headline: 'From an admin' });
    assert.equal(res.statusCode, 200, res.body);
  });

  it('the owner’s rules hold: bad fields are 422, a taken username 409, an unknown id 404; nothing changes', async () => {
    const user = await account(t, { label: 'staff-rules', username: 'staff_rules_user' });
    const holder = await account(t, { label: 'staff-holder', username: 'staff_rules_holder' });
    const before = await me(user);
    assertProblem(await edit({ token: admin.token }, user.id, { role: 'admin' }), 422, 'validation_failed');
    assertProblem(
      await edit({ token: admin.token }, user.id, { headline: 'x'.repeat(5000) }),
      422,
      'validation_failed',
    );
    assertProblem(
      await edit({ token: admin.token }, user.id, { headline: 'Never', username: holder.username }),
      409,
      'username_taken',
    );
    assertProblem(
      await edit({ token: admin.token }, '00000000-0000-4000-8000-000000000000', { headline: 'x' }),
      404,
      'user_not_found',
    );
    assert.deepEqual(await me(user), before);
    assert.deepEqual(await audited(user.id), []);
  });
});
