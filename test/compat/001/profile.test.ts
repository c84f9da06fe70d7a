// Seed 001's GET and PATCH /api/v1/me as its document shows them: the
// profile object from real domain data, UpdateProfileRequest's six fields
// (absent keeps, null clears), unknown fields ignored, and only ever the
// token's own user.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../../helpers/build-test-app.ts';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { account, freshUsername, type Json } from '../../helpers/factories.ts';
import { PROFILE_KEYS, profileOf, UPDATE_SAMPLE } from './seed-001.ts';

describe(`seed 001 GET and PATCH /api/v1/me (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => t.close());

  const me = (token: string) => request(t, 'GET', '/api/v1/me', { token });
  const patch = (token: string, body: unknown) => request(t, 'PATCH', '/api/v1/me', { token, body });
  const native = async (token: string): Promise<Json> =>
    (await request(t, 'GET', '/v1/me', { token })).json();

  it('GET answers the current user’s profile object, every key from the domain', async () => {
    const username = freshUsername();
    const user = await account(t, { username });
    const profile = profileOf(await me(user.token));
    const view = await native(user.token);
    assert.deepEqual(profile, {
      id: user.id,
      email: user.email,
      email_verified: true,
      username,
      first_name: null,
      last_name: null,
      display_name: null,
      phone: null,
      phone_verified: false,
      locale: null,
      timezone: null,
      avatar_url: null,
      created_at: view.createdAt,
      updated_at: view.updatedAt,
    });
    assert.ok(!Number.isNaN(Date.parse(profile.created_at)));
  });

  it('PATCH with every field of UpdateProfileRequest answers the updated profile; GET shows the same', async () => {
    const user = await account(t);
    const before = profileOf(await me(user.token));
    const updated = profileOf(await patch(user.token, UPDATE_SAMPLE));
    assert.deepEqual(
      PROFILE_KEYS.filter((k) => k in UPDATE_SAMPLE).map((k) => updated[k]),
      Object.values(UPDATE_SAMPLE),
    );
    assert.equal(updated.phone_verified, false, 'a number set here is unverified');
    assert.equal(updated.email, user.email);
    assert.equal(updated.created_at, before.created_at);
    assert.ok(updated.updated_at >= before.updated_at);
    assert.deepEqual(profileOf(await me(user.token)), updated);
    // The native view holds the same data.
    const view = await native(user.token);
    assert.deepEqual(
      [view.name.first, view.name.last, view.name.display, view.phone, view.phoneVerified, view.locale],
      ['Ada', 'Lovelace', 'Countess of Lovelace', '+14155552671', false, 'en-GB'],
    );
    assert.equal(view.timezone, 'Europe/London');
    assert.equal(view.contact.phone, null, 'the account’s number, not a contact number');
  });

  it('absent fields stay, null clears each one, blank clears, text is trimmed, locales canonical', async () => {
    const user = await account(t);
    let expected = profileOf(await patch(user.token, UPDATE_SAMPLE));
    for (const field of Object.keys(UPDATE_SAMPLE)) {
      const cleared = profileOf(await patch(user.token, { [field]: null }));
      expected = { ...expected, [field]: null, updated_at: cleared.updated_at };
      assert.deepEqual(cleared, expected, `${field}: null clears it and only it`);
    }
    const empty = profileOf(await patch(user.token, {}));
    assert.deepEqual({ ...empty, updated_at: expected.updated_at }, expected, '{} changes nothing');

    const set = profileOf(
      await patch(user.token, {
        first_name: '  Grace ',
        last_name: 'Hopper',
        locale: 'pt-br',
        timezone: 'UTC',
      }),
    );
    assert.deepEqual(
      [set.first_name, set.last_name, set.locale, set.timezone],
      ['Grace', 'Hopper', 'pt-BR', 'UTC'],
    );
    // The display name is the one chosen: null here, whatever the native view falls back to.
    assert.equal(set.display_name, null);
    assert.equal((await native(user.token)).name.display, 'Grace Hopper');
    const blank = profileOf(await patch(user.token, { first_name: '', phone: ' ' }));
    assert.deepEqual([blank.first_name, blank.last_name, blank.phone], [null, 'Hopper', null]);
  });

  it('ignores unknown fields, as pydantic does: the address, id, role and flags stay', async () => {
    const user = await account(t);
    const other = await account(t);
    const res = await patch(user.token, {
      first_name: 'Kept',
      email: other.email,
      id: other.id,
      role: 'admin',
      email_verified: false,
      phone_verified: true,
      username: 'chosen_by_patch',
      avatar_url: 'https://evil.example/a.png',
      created_at: '2000-01-01T00:00:00.000Z',
    });
    const profile = profileOf(res);
    assert.deepEqual(
      [profile.id, profile.email, profile.first_name, profile.username, profile.avatar_url],
      [user.id, user.email, 'Kept', null, null],
    );
    assert.equal(profile.email_verified, true);
    assert.equal(profile.phone_verified, false);
    assert.notEqual(profile.created_at, '2000-01-01T00:00:00.000Z');
    assert.equal((await native(user.token)).role, 'user');
  });

  it('reads and changes only the token’s own user; another user’s data is never reachable', async () => {
    const alice = await account(t);
    const bob = await account(t);
    const aliceBefore = profileOf(await patch(alice.token, UPDATE_SAMPLE));
    const bobs = profileOf(await patch(bob.token, { first_name: 'Bob', id: alice.id, user_id: alice.id }));
    assert.equal(bobs.id, bob.id);
    assert.ok(!JSON.stringify(bobs).includes(alice.email));
    for (const url of [`/api/v1/me?id=${alice.id}`, `/api/v1/me?user_id=${alice.id}`]) {
      const seen = profileOf(await request(t, 'GET', url, { token: bob.token }));
      assert.equal(seen.id, bob.id, url);
    }
    // No path names another user.
    for (const url of [`/api/v1/me/${alice.id}`, `/api/v1/users/${alice.id}`]) {
      const res = await request(t, 'GET', url, { token: bob.token });
      assert.deepEqual([res.statusCode, res.json()], [404, { detail: 'Not Found' }], url);
    }
    assert.deepEqual(profileOf(await me(alice.token)), aliceBefore);
  });
});
