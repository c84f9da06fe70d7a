// The profile fields seed 002's user object adds: a middle name, a gender in
// the person's own words, a designation and one https link. PATCH /v1/me sets
// them (absent keeps, null clears), the owner and others see them, and each
// is checked at the edge and in the domain; and ROSTER_PROFILE_EDITABLE_FIELDS
// limits what users change themselves, refusing a patch whole.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../src/config/load-config.ts';
import { buildTestApp, type TestApp, testConfig } from '../helpers/build-test-app.ts';
import { assertProblem, get, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account } from '../helpers/factories.ts';

const patch = (t: TestApp, token: string, body: unknown) => request(t, 'PATCH', '/v1/me', { token, body });
const me = async (t: TestApp, token: string) => (await get(t, '/v1/me', token)).json();

describe(`profile identity fields (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => t.close());

  it('sets, keeps and clears them; the owner and others see them', async () => {
    const owner = await account(t);
    const viewer = await account(t);
    const fresh = await me(t, owner.token);
    assert.deepEqual(
      [fresh.name.middle, fresh.gender, fresh.designation, fresh.customLink],
      [null, null, null, null],
    );
    const set = await patch(t, owner.token, {
      name: { first: 'Ada', middle: 'Augusta', last: 'King' },
      gender: ' woman ',
      designation: 'Software Engineer',
      customLink: 'https://custom.link',
    });
    assert.equal(set.statusCode, 200, set.body);
    const view = set.json();
    assert.deepEqual(view.name, { first: 'Ada', middle: 'Augusta', last: 'King', display: 'Ada King' });
    assert.deepEqual(
      [view.gender, view.designation, view.customLink],
      ['woman', 'Software Engineer', 'https://custom.link'],
    );
    assert.deepEqual(await me(t, owner.token), view, 'GET shows what PATCH answered');
    const seen = (await get(t, `/v1/users/${owner.id}`, viewer.token)).json();
    assert.equal(seen.name.middle, 'Augusta');
    assert.deepEqual(
      [seen.gender, seen.designation, seen.customLink],
      ['woman', 'Software Engineer', 'https://custom.link'],
    );
    // Absent keeps; null and blank clear.
    const kept = (await patch(t, owner.token, { bio: 'Analyst' })).json();
    assert.deepEqual([kept.name.middle, kept.gender], ['Augusta', 'woman']);
    const cleared = (
      await patch(t, owner.token, { name: { middle: null }, gender: '', customLink: null })
    ).json();
    assert.deepEqual(
      [cleared.name.middle, cleared.name.first, cleared.gender, cleared.customLink, cleared.designation],
      [null, 'Ada', null, null, 'Software Engineer'],
    );
  });

  it('checks each field: 422 naming it, nothing applied', async () => {
    const { token } = await account(t);
    await patch(t, token, { customLink: 'https://example.org/me', gender: 'man' });
    const cases: [unknown, string][] = [
      [{ customLink: 'javascript:alert(1)' }, 'customLink'],
      [{ customLink: 'http://example.org' }, 'customLink'],
      [{ customLink: 'data:text/html,<b>x</b>' }, 'customLink'],
      [{ customLink: 'https://bank.example@evil.example/' }, 'customLink'],
      [{ customLink: 'https://exa mple.org' }, 'customLink'],
      [{ customLink: 'https://intranet/' }, 'customLink'],
      [{ customLink: `https://example.org/${'a'.repeat(300)}` }, 'customLink'],
      [{ gender: 'x'.repeat(41) }, 'gender'],
      [{ gender: 'wo\u202Eman' }, 'gender'],
      [{ designation: 'y'.repeat(101) }, 'designation'],
      [{ name: { middle: 'A\u0000B' } }, 'name.middle'],
      [{ customLink: 42 }, 'customLink'],
    ];
    for (const [body, path] of cases) {
      const res = await patch(t, token, { ...(body as object), bio: 'not applied' });
      assert.equal(res.statusCode, 422, `${JSON.stringify(body)}: ${res.body}`);
      assert.ok(
        (res.json().errors as { path: string }[]).some((e) => e.path === path),
        `${JSON.stringify(body)} → ${JSON.stringify(res.json().errors)}`,
      );
    }
    const after = await me(t, token);
    assert.deepEqual([after.customLink, after.gender, after.bio], ['https://example.org/me', 'man', null]);
  });
});

describe(`ROSTER_PROFILE_EDITABLE_FIELDS (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({
      env: {
        ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false',
        ROSTER_PROFILE_EDITABLE_FIELDS: 'bio, name.first, socials, customLink',
      },
    });
  });
  after(() => t.close());

  it('lets users change the listed fields, and refuses a patch touching any other whole', async () => {
    const { token } = await account(t);
    const ok = await patch(t, token, {
      bio: 'Mathematician',
      name: { first: 'Ada' },
      socials: { website: 'https://example.org' },
      customLink: 'https://example.org/me',
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const refused = await patch(t, token, {
      bio: 'changed',
      name: { first: 'Grace', last: 'Hopper' },
      gender: null,
      username: 'grace_h',
    });
    assertProblem(refused, 403, 'field_not_editable');
    assert.deepEqual((refused.json().errors as { path: string }[]).map((e) => e.path).sort(), [
      'gender',
      'name.last',
      'username',
    ]);
    const view = await me(t, token);
    assert.deepEqual([view.bio, view.name.first, view.name.last], ['Mathematician', 'Ada', null]);
    assert.equal(view.username, null, 'nothing of the refused patch applied');
    // A refused field is refused before its value is checked, and so is clearing it.
    assertProblem(await patch(t, token, { locale: 'not a locale!' }), 403, 'field_not_editable');
    assertProblem(await patch(t, token, { contact: { city: null } }), 403, 'field_not_editable');
  });

  it('is checked at start: an unknown field name is a configuration error', () => {
    assert.throws(
      () => testConfig({ ROSTER_PROFILE_EDITABLE_FIELDS: 'bio,salary' }),
      (error: unknown) => error instanceof ConfigError && /salary: not a profile field/.test(error.message),
    );
  });
});
