// PATCH /v1/me: partial, nested updates with every field checked.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { get, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account as newAccount } from '../helpers/factories.ts';

describe(`profile updates (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => t.close());

  const account = () => newAccount(t, { label: 'profile', password: 'profile passphrase' });
  const patch = (token: string, payload: unknown) => request(t, 'PATCH', '/v1/me', { token, body: payload });
  const me = async (token: string) => (await get(t, '/v1/me', token)).json();

  it('absent fields stay, null clears, nested objects merge; completeness rises', async () => {
    const { token } = await account();
    const before = await me(token);
    assert.equal(before.profileCompleteness, 10, 'a verified email counts from the start');
    assert.deepEqual(before.contact, { country: null, state: null, city: null, address: null, phone: null });

    const first = await patch(token, {
      name: { first: 'Ada', last: 'Lovelace' },
      bio: 'Mathematician',
      contact: { city: 'London' },
    });
    assert.equal(first.statusCode, 200);
    assert.equal(first.json().name.first, 'Ada');
    assert.equal(first.json().name.display, 'Ada Lovelace');
    assert.equal(first.json().contact.city, 'London');
    const second = await patch(token, {
      contact: { country: 'GB' },
      name: { display: 'Countess' },
      socials: { github: 'https://github.com/ada', twitter: 'https://x.com/ada' },
      locale: 'en-gb',
      timezone: 'Europe/London',
      availability: 'limited',
    });
    assert.equal(second.statusCode, 200);
    const view = second.json();
    assert.equal(view.contact.city, 'London', 'merged, not replaced');
    assert.equal(view.contact.country, 'GB');
    assert.equal(view.name.first, 'Ada', 'absent name parts stay');
    assert.equal(view.name.display, 'Countess');
    assert.equal(view.bio, 'Mathematician');
    assert.equal(view.locale, 'en-GB', 'canonical form');
    assert.ok(view.profileCompleteness > first.json().profileCompleteness);
    const cleared = (await patch(token, { bio: null, contact: { city: null } })).json();
    assert.equal(cleared.bio, null);
    assert.equal(cleared.contact.city, null);
    assert.equal(cleared.contact.country, 'GB');
    assert.deepEqual(await me(token), cleared, 'GET shows what PATCH answered');
  });

  it('every field is checked: 422 with the path, nothing applied', async () => {
    const { token } = await account();
    const cases: [unknown, string][] = [
      [{ locale: 'not a locale!' }, 'locale'],
      [{ timezone: 'Mars/Olympus' }, 'timezone'],
      [{ availability: 'sometimes' }, 'availability'],
      [{ socials: { github: 'https://gitlab.com/ada' } }, 'socials.github'],
      [{ socials: { twitter: 'https://twitter.evil.com/ada' } }, 'socials.twitter'],
      [{ socials: { linkedin: 'ftp://linkedin.com/in/ada' } }, 'socials.linkedin'],
      [{ socials: { website: 'javascript:alert(1)' } }, 'socials.website'],
      [{ bio: 'x'.repeat(501) }, 'bio'],
      [{ name: { first: 'A\u0000B' } }, 'name.first'],
      [{ username: 'no spaces allowed' }, 'username'],
      [{ role: 'admin' }, 'role'],
      [{ emailVerified: true }, 'emailVerified'],
      [{ followerCount: 1_000_000 }, 'followerCount'],
      [{ contact: { planet: 'Earth' } }, 'contact.planet'],
      [{ contact: { phone: '0161 496 0000' } }, 'contact.phone'],
      [{ contact: { phone: '+44 not a number' } }, 'contact.phone'],
    ];
    for (const [payload, path] of cases) {
      const res = await patch(token, payload);
      assert.equal(res.statusCode, 422, JSON.stringify(payload));
      assert.ok(
        (res.json().errors as { path: string }[]).some((e) => e.path === path),
        `${JSON.stringify(payload)} → ${JSON.stringify(res.json().errors)}`,
      );
    }
    const view = await me(token);
    assert.equal(view.role, 'user');
    assert.equal(view.locale, null);
    assert.equal(view.contact.phone, null);
    // A contact number in international format is kept in E.164; it is not the sign-in number.
    const phoned = await patch(token, { contact: { phone: '+44 161 496 0000' } });
    assert.equal(phoned.json().contact.phone, '+441614960000');
    assert.equal(phoned.json().phone, null);
    const proto = await request(t, 'PATCH', '/v1/me', {
      token,
      body: '{"__proto__":{"role":"admin"}}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(proto.statusCode, 400);
    assert.equal((await me(token)).role, 'user');
  });

  it('changes the username; a taken one is a 409', async () => {
    const a = await account();
    const b = await account();
    assert.equal((await patch(a.token, { username: 'Ada_L' })).json().username, 'ada_l');
    const taken = await patch(b.token, { username: 'ADA_L' });
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json().code, 'username_taken');
    assert.equal((await patch(a.token, { username: null })).json().username, null);
    assert.equal((await patch(b.token, { username: 'ada_l' })).statusCode, 200, 'freed');
  });

  it('erasing the account erases the profile', async () => {
    const { token, id } = await account();
    await patch(token, { bio: 'to be forgotten' });
    const del = await request(t, 'DELETE', '/v1/me', { token, body: { password: 'profile passphrase' } });
    assert.equal(del.statusCode, 204);
    assert.equal(
      (await t.db.database.db.selectFrom('profiles').select('user_id').where('user_id', '=', id).execute())
        .length,
      0,
    );
    const searchable = await t.db.database.db
      .selectFrom('user_search')
      .select('doc')
      .where('user_id', '=', id)
      .execute();
    assert.deepEqual(searchable, [], 'the search document goes too');
  });

  it('others see the public view: no email, phone, contact or locale; unknown ids are 404', async () => {
    const owner = await account();
    const viewer = await account();
    await patch(owner.token, {
      name: { first: 'Grace' },
      bio: 'Admiral',
      contact: { city: 'Arlington', address: '1 Navy Way' },
      locale: 'en-US',
    });
    await t.db.database.db
      .updateTable('users')
      .set({ phone: '+4915112340000', phone_verified_at: new Date().toISOString() })
      .where('id', '=', owner.id)
      .execute();
    const res = await get(t, `/v1/users/${owner.id}`, viewer.token);
    assert.equal(res.statusCode, 200);
    const view = res.json();
    assert.equal(view.name.first, 'Grace');
    assert.equal(view.bio, 'Admiral');
    for (const hidden of [
      'email',
      'phone',
      'contact',
      'locale',
      'timezone',
      'emailVerified',
      'phoneVerified',
    ]) {
      assert.equal(hidden in view, false, `${hidden} is not public`);
    }
    assert.deepEqual(view.custom, {}, 'without a profile schema no custom field is public');
    assert.doesNotMatch(res.body, /Navy Way|Arlington|@example\.com|\+49151/);
    const missing = await get(t, '/v1/users/0190d2c0-0000-7000-8000-000000000000', viewer.token);
    assert.equal(missing.statusCode, 404);
    const garbage = await get(t, '/v1/users/not-an-id', viewer.token);
    assert.equal(garbage.statusCode, 422);
    assert.equal((await get(t, `/v1/users/${owner.id}`)).statusCode, 401);
  });

  it('tags: normalised keys, kept display names, stable colours, usage counts, autocomplete', async () => {
    const a = await account();
    const b = await account();
    const tagged = await patch(a.token, {
      tags: ['  Machine   Learning ', 'machine learning', 'Rust', '100%_sure'],
    });
    assert.equal(tagged.statusCode, 200);
    assert.deepEqual(
      tagged.json().tags.map((t: { key: string; name: string }) => [t.key, t.name]),
      [
        ['machine-learning', 'Machine Learning'],
        ['rust', 'Rust'],
        ['100%_sure', '100%_sure'],
      ],
    );
    const colors = tagged.json().tags.map((t: { color: string }) => t.color);
    assert.ok(colors.every((c: string) => /^#[0-9a-f]{6}$/.test(c)));
    await patch(b.token, { tags: ['RUST', 'Go'] });
    const bTags = (await me(b.token)).tags;
    assert.equal(bTags[0].name, 'Rust', 'the display name first used is kept');
    assert.equal(bTags[0].color, colors[1], 'one colour per key');

    const search = async (q: string) =>
      (await get(t, `/v1/tags?q=${encodeURIComponent(q)}`, a.token)).json().items as {
        key: string;
        usageCount: number;
      }[];
    const rusty = await search('ru');
    assert.deepEqual(
      rusty.map((t) => [t.key, t.usageCount]),
      [['rust', 2]],
    );
    assert.deepEqual(
      (await search('Machine L')).map((t) => t.key),
      ['machine-learning'],
    );
    assert.deepEqual(
      (await search('100%')).map((t) => t.key),
      ['100%_sure'],
    );
    assert.deepEqual(await search('%'), [], '% is literal');
    assert.deepEqual(await search('_'), [], '_ is literal');

    await patch(a.token, { tags: ['Go'] });
    assert.deepEqual(
      (await search('ru')).map((t) => [t.key, t.usageCount]),
      [['rust', 1]],
      'counts follow removals',
    );
    assert.deepEqual(
      (await search('go')).map((t) => t.usageCount),
      [2],
    );
    await patch(b.token, { tags: null });
    assert.deepEqual(await search('ru'), [], 'unused tags leave autocomplete');
    assert.deepEqual((await me(b.token)).tags, []);
    const tooMany = await patch(a.token, { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) });
    assert.equal(tooMany.statusCode, 422);
    assert.equal(tooMany.json().errors[0].path, 'tags');
  });

  it("two patches at the same moment each keep the other's fields, 20 rounds", async () => {
    const { token } = await account();
    for (let round = 0; round < 20; round++) {
      const replies = await Promise.all([
        patch(token, { isPrivate: true, custom: { x: round } }),
        patch(token, { headline: `h${round}`, custom: { y: round } }),
      ]);
      assert.deepEqual(
        replies.map((r) => r.statusCode),
        [200, 200],
        `round ${round}: ${replies.map((r) => r.body).join(' ')}`,
      );
      const view = await me(token);
      assert.deepEqual(
        { isPrivate: view.isPrivate, headline: view.headline, custom: view.custom },
        { isPrivate: true, headline: `h${round}`, custom: { x: round, y: round } },
        `round ${round}: one patch undid the other`,
      );
      // Back to public with the custom fields gone, so the next round starts from a different state.
      const reset = await patch(token, { isPrivate: false, custom: null });
      assert.equal(reset.statusCode, 200, reset.body);
    }
  });
});
