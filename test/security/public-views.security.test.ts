// What another user can learn from public views: the completeness score counts
// only what they can see (and the directory filters on that score), a block
// against them reads as a missing account on every endpoint, and staff roles
// are not shown or searchable except to staff.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import {
  type SignedUpAccount as Account,
  makeAdmin as grantAdmin,
  account as newAccount,
} from '../helpers/factories.ts';

/** Status and body without the request id. */
const observable = (res: Reply) => {
  const body = res.json() as Record<string, unknown>;
  delete body.requestId;
  return { status: res.statusCode, body };
};

describe(`public views (${testDialect})`, () => {
  let t: TestApp;
  // A word unique to this run, so other tests' users never match a search.
  const run = `pv${randomUUID().replaceAll('-', '').slice(0, 8)}`;

  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, who: Account, body?: object) =>
    request(t, method, url, { token: who.token, body });
  const account = (profile: object = {}): Promise<Account> => newAccount(t, { label: 'pv', profile });
  const makeAdmin = (who: Account) => grantAdmin(t, who.id);
  const search = async (query: string, who: Account) => {
    const res = await call('GET', `/v1/users?${query}`, who);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { items: { id: string; role: string; profileCompleteness: number }[] };
  };

  it('completeness shown to others and filtered on counts only what they can see', async () => {
    const viewer = await account();
    // Time zone, locale and contact details are private: 5 + 5 + 5 on top of the verified address.
    const hidden = await account({
      headline: `quiet ${run}`,
      locale: 'fr-FR',
      timezone: 'Europe/Paris',
      contact: { city: 'Lyon', address: '1 rue de la Paix' },
    });
    const me = await call('GET', '/v1/me', hidden);
    assert.equal(me.json().profileCompleteness, 35, 'the owner sees the full score');
    // Others: a verified account (10) and the headline (10) of the 85 they can see.
    const publicScore = Math.round((100 * 20) / 85);
    const profile = await call('GET', `/v1/users/${hidden.id}`, viewer);
    assert.equal(profile.json().profileCompleteness, publicScore);
    const [item] = (await search(`q=quiet%20${run}`, viewer)).items;
    assert.equal(item?.profileCompleteness, publicScore);
    assert.deepEqual((await search(`q=quiet%20${run}&completenessMin=30`, viewer)).items, []);
    assert.deepEqual(
      (await search(`q=quiet%20${run}&completenessMax=${publicScore}`, viewer)).items.map((u) => u.id),
      [hidden.id],
    );

    // Everything others can see filled in is 100 to them, whatever the private parts hold.
    const open = await account({
      username: `${run}_open`,
      name: { first: 'Ada', last: 'Lovelace' },
      bio: 'b',
      headline: 'h',
      about: 'a',
      location: 'London',
      pronouns: 'she/her',
      socials: { website: 'https://example.com' },
    });
    assert.equal((await call('GET', '/v1/me', open)).json().profileCompleteness, 85);
    assert.equal((await call('GET', `/v1/users/${open.id}`, viewer)).json().profileCompleteness, 100);
  });

  it('a user who blocks you is a 404 on the relationship too, as on the profile, never blockedBy', async () => {
    const [blocker, blocked] = [await account(), await account()];
    assert.equal((await call('POST', `/v1/users/${blocked.id}/block`, blocker)).statusCode, 204);

    const missing = observable(await call('GET', `/v1/users/${randomUUID()}/relationship`, blocked));
    assert.equal(missing.status, 404);
    assert.deepEqual(observable(await call('GET', `/v1/users/${blocker.id}/relationship`, blocked)), missing);
    assert.deepEqual(observable(await call('GET', `/v1/users/${blocker.id}`, blocked)).status, 404);
    // The blocker sees their own block; blocking back answers as for an unknown
    // id, so it cannot confirm the block either, and the relationship stays a 404.
    const own = await call('GET', `/v1/users/${blocked.id}/relationship`, blocker);
    assert.equal(own.json().blocking, true);
    assert.equal(own.json().blockedBy, false);
    const missingBlock = observable(await call('POST', `/v1/users/${randomUUID()}/block`, blocked));
    assert.deepEqual(observable(await call('POST', `/v1/users/${blocker.id}/block`, blocked)), missingBlock);
    assert.deepEqual(observable(await call('GET', `/v1/users/${blocker.id}/relationship`, blocked)), missing);
  });

  it('staff roles are not public: shown as user, and a filter by them finds nobody, except for staff', async () => {
    const [viewer, staff, colleague] = [
      await account(),
      await account({ headline: `staff ${run}` }),
      await account(),
    ];
    const member = await account({ headline: `staff ${run}` });
    await makeAdmin(staff);
    await makeAdmin(colleague);

    assert.equal((await call('GET', `/v1/users/${staff.id}`, viewer)).json().role, 'user');
    assert.deepEqual((await search(`q=staff%20${run}&role=admin`, viewer)).items, []);
    const asUser = await search(`q=staff%20${run}&role=user`, viewer);
    assert.deepEqual(
      asUser.items.map((u) => [u.id, u.role]),
      [
        [staff.id, 'user'],
        [member.id, 'user'],
      ],
      'role=user finds staff too, or leaving it out would tell them apart',
    );
    assert.equal((await call('POST', `/v1/users/${viewer.id}/follow`, staff)).statusCode, 200);
    const followers = await call('GET', `/v1/users/${viewer.id}/followers`, viewer);
    assert.equal(followers.json().items[0].user.role, 'user');

    // Staff see staff.
    assert.equal((await call('GET', `/v1/users/${staff.id}`, colleague)).json().role, 'admin');
    assert.deepEqual(
      (await search(`q=staff%20${run}&role=admin`, colleague)).items.map((u) => [u.id, u.role]),
      [[staff.id, 'admin']],
    );
    assert.deepEqual(
      (await search(`q=staff%20${run}&role=user`, colleague)).items.map((u) => u.id),
      [member.id],
    );
  });
});
