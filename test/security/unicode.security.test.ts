// Text no storage keeps as sent: a NUL (PostgreSQL text and jsonb refuse it)
// or a lone surrogate (UTF-8 cannot encode it; jsonb refuses its escape, text
// columns would silently turn it into U+FFFD). Anywhere in a request, body at
// any depth and its keys, query string and path, it is a 422 naming the field,
// on both dialects, and nothing is written.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, get, post, type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { appWithSession, countUsers, freshEmail, STRONG_PASSWORD } from '../helpers/factories.ts';

const NUL = '\u0000';
const LONE_HIGH = '\uD800';
const LONE_LOW = '\uDC00';

describe(`NUL and lone surrogates are refused at the edge (${testDialect})`, () => {
  let t: TestApp;
  let token: string;

  before(async () => {
    ({ t, token } = await appWithSession('unicode'));
  });
  after(() => t.close());

  const patchMe = (payload: unknown): Promise<Reply> =>
    request(t, 'PATCH', '/v1/me', { token, body: payload });
  const me = async () => (await get(t, '/v1/me', token)).json();

  function assertRefused(res: Reply, path: string): void {
    const body = assertProblem(res, 422, 'validation_failed');
    const paths = (body.errors as { path: string }[]).map((e) => e.path);
    assert.deepEqual(paths, [path], res.body);
  }

  it('profile fields, socials, contact, tags and names: 422 on the field, profile unchanged', async () => {
    const before = await me();
    const cases: [unknown, string][] = [
      [{ bio: `about ${LONE_HIGH}` }, 'bio'],
      [{ headline: `lead${LONE_LOW}` }, 'headline'],
      [{ about: `a${NUL}b` }, 'about'],
      [{ name: { first: `Ada${LONE_HIGH}` } }, 'name.first'],
      [{ name: { display: `A${NUL}` } }, 'name.display'],
      [{ contact: { city: `Berlin${LONE_HIGH}` } }, 'contact.city'],
      [{ socials: { github: `https://github.com/ada${LONE_HIGH}` } }, 'socials.github'],
      [{ socials: { website: `https://example.com/${NUL}` } }, 'socials.website'],
      [{ tags: ['math', `logic${LONE_LOW}`] }, 'tags.1'],
      [{ custom: { team: `core${LONE_HIGH}` } }, 'custom.team'],
      [{ custom: { nested: { list: [1, { deep: `x${NUL}` }] } } }, 'custom.nested.list.1.deep'],
      [{ username: `ada${LONE_HIGH}` }, 'username'],
    ];
    for (const [payload, path] of cases) assertRefused(await patchMe(payload), path);
    assert.deepEqual(await me(), before);
  });

  it('a bad key is refused and named with U+FFFD in its place', async () => {
    assertRefused(await patchMe({ custom: { [`k${LONE_HIGH}`]: 1 } }), 'custom.k\uFFFD');
    assertRefused(await patchMe({ custom: { ok: { [`a${NUL}b`]: true } } }), 'custom.ok.a\uFFFDb');
  });

  it('sign-up: email and names, and no account is created', async () => {
    const count = await countUsers(t);
    const signUp = (extra: Record<string, unknown>) =>
      post(t, '/v1/accounts', { email: freshEmail('signup'), password: STRONG_PASSWORD, ...extra });
    assertRefused(await signUp({ email: `ada${LONE_HIGH}@example.com` }), 'email');
    assertRefused(await signUp({ firstName: `Ada${LONE_LOW}` }), 'firstName');
    assertRefused(await signUp({ lastName: `Love${NUL}lace` }), 'lastName');
    assertRefused(await signUp({ password: `violet kettle ${LONE_HIGH} drums` }), 'password');
    assert.equal(await countUsers(t), count);
  });

  it('email wherever it is taken, and the login identifier', async () => {
    const email = `ada${LONE_HIGH}@example.com`;
    const body = (payload: object, url: string) => post(t, url, payload);
    assertRefused(await body({ email }, '/v1/password/forgot'), 'email');
    assertRefused(await body({ email }, '/v1/accounts/verify-email/resend'), 'email');
    assertRefused(await body({ email, code: '123456' }, '/v1/accounts/verify-email'), 'email');
    assertRefused(await body({ identifier: email, password: STRONG_PASSWORD }, '/v1/sessions'), 'identifier');
  });

  it('query strings and path parameters', async () => {
    const read = (url: string) => get(t, url, token);
    assertRefused(await read('/v1/tags?q=ma%00th'), 'query.q');
    assertRefused(await read('/v1/users?q=ada%00'), 'query.q');
    assertRefused(await read('/v1/users/by-phone/%2B49%00151'), 'params.e164');
    assertRefused(await read('/v1/users/exists?email=a%00b%40example.com'), 'query.email');
  });

  it('well-formed text outside the BMP and U+FFFD itself are kept as sent', async () => {
    const bio = 'Mathematician 🧮 \uFFFD';
    const res = await patchMe({ bio, custom: { emoji: '𝔸𝕕𝕒' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().bio, bio);
    assert.equal(res.json().custom.emoji, '𝔸𝕕𝕒');
  });
});

// Names and headlines are shown beside other people's: characters that are
// invisible or reorder the text around them would let one name pass for
// another. Each is a 422 naming the field, at sign-up and in a profile patch.
const HIDDEN = {
  'U+202A LRE': '\u202A',
  'U+202B RLE': '\u202B',
  'U+202C PDF': '\u202C',
  'U+202D LRO': '\u202D',
  'U+202E RLO': '\u202E',
  'U+2066 LRI': '\u2066',
  'U+2067 RLI': '\u2067',
  'U+2068 FSI': '\u2068',
  'U+2069 PDI': '\u2069',
  'U+200E LRM': '\u200E',
  'U+200F RLM': '\u200F',
  'U+200B ZWSP': '\u200B',
  'U+200C ZWNJ': '\u200C',
  'U+200D ZWJ': '\u200D',
  'U+2060 WJ': '\u2060',
  'U+FEFF BOM': '\uFEFF',
  'U+2028 LS': '\u2028',
  'U+2029 PS': '\u2029',
  'U+000A LF': '\n',
  'U+0009 TAB': '\t',
  'U+0085 NEL': '\u0085',
  'U+001B ESC': '\u001B',
  // Format characters (\p{Cf}) beyond the bidi and zero-width ones.
  'U+00AD soft hyphen': '\u00AD',
  'U+180E Mongolian vowel separator': '\u180E',
  'U+206A inhibit symmetric swapping': '\u206A',
  'U+206F nominal digit shapes': '\u206F',
  'U+FFF9 interlinear annotation anchor': '\uFFF9',
  'U+FFFB interlinear annotation terminator': '\uFFFB',
  'U+1D173 musical begin beam': '\u{1D173}',
  'U+1D17A musical end phrase': '\u{1D17A}',
  'U+E0001 language tag': '\u{E0001}',
  'U+E0041 tag latin capital A': '\u{E0041}',
  'U+E007F cancel tag': '\u{E007F}',
  'U+E0000 (tag block, unassigned)': '\u{E0000}',
  // Letters and symbols that render as nothing.
  'U+115F Hangul choseong filler': '\u115F',
  'U+1160 Hangul jungseong filler': '\u1160',
  'U+3164 Hangul filler': '\u3164',
  'U+FFA0 halfwidth Hangul filler': '\uFFA0',
  'U+2800 braille blank': '\u2800',
  'U+034F combining grapheme joiner': '\u034F',
  'U+FE00 variation selector-1': '\uFE00',
  'U+FE0F variation selector-16': '\uFE0F',
  'U+E0100 variation selector-17': '\u{E0100}',
  'U+E01EF variation selector-256': '\u{E01EF}',
  // Noncharacters: never for interchange, and SQLite reads U+FFFE/U+FFFF as U+FFFD in some places only.
  'U+FFFE noncharacter': '\uFFFE',
  'U+FFFF noncharacter': '\uFFFF',
  'U+FDD0 noncharacter': '\uFDD0',
  'U+10FFFF noncharacter': '\u{10FFFF}',
};

describe(`names and headlines refuse invisible and text-direction characters (${testDialect})`, () => {
  let t: TestApp;
  let token: string;

  before(async () => {
    ({ t, token } = await appWithSession('names'));
  });
  after(() => t.close());

  const patchMe = (payload: unknown): Promise<Reply> =>
    request(t, 'PATCH', '/v1/me', { token, body: payload });

  function assertRefusedField(res: Reply, path: string, label: string): void {
    const body = assertProblem(res, 422, 'validation_failed');
    const errors = body.errors as { path: string; message: string }[];
    assert.deepEqual(
      errors.map((e) => e.path),
      [path],
      `${label}: ${res.body}`,
    );
    assert.ok(
      errors.some((e) => /invisible or text-direction/.test(e.message)),
      res.body,
    );
  }

  it('sign-up: first and last name', async () => {
    const count = await countUsers(t);
    for (const [label, char] of Object.entries(HIDDEN)) {
      for (const field of ['firstName', 'lastName']) {
        const res = await post(t, '/v1/accounts', {
          email: freshEmail('hidden'),
          password: STRONG_PASSWORD,
          [field]: `Ada${char}Byron`,
        });
        assertRefusedField(res, field, `${label} in ${field}`);
      }
    }
    assert.equal(await countUsers(t), count);
  });

  it('profile: first, last and display name, and headline; nothing applied', async () => {
    for (const [label, char] of Object.entries(HIDDEN)) {
      const text = `evil${char}moc.elgoog`;
      assertRefusedField(await patchMe({ name: { first: text } }), 'name.first', label);
      assertRefusedField(await patchMe({ name: { last: text } }), 'name.last', label);
      assertRefusedField(await patchMe({ name: { display: text } }), 'name.display', label);
      assertRefusedField(await patchMe({ headline: text }), 'headline', label);
    }
    const me = (await get(t, '/v1/me', token)).json();
    assert.deepEqual(me.name, { first: null, middle: null, last: null, display: null });
    assert.equal(me.headline, null);
  });

  it('pronouns and location: the same rule; nothing applied', async () => {
    for (const [label, char] of Object.entries(HIDDEN)) {
      assertRefusedField(await patchMe({ pronouns: `she${char}/her` }), 'pronouns', label);
      assertRefusedField(await patchMe({ location: `Ber${char}lin` }), 'location', label);
    }
    const me = (await get(t, '/v1/me', token)).json();
    assert.equal(me.pronouns, null);
    assert.equal(me.location, null);
  });

  it('tags: a hidden character cannot make a second key that looks like another', async () => {
    assertRefusedField(await patchMe({ tags: ['ad\u200Bmin'] }), 'tags.0', 'ZWSP in a tag');
    for (const [label, char] of Object.entries(HIDDEN)) {
      assertRefusedField(await patchMe({ tags: ['math', `ad${char}min`] }), 'tags.1', label);
    }
    const me = (await get(t, '/v1/me', token)).json();
    assert.deepEqual(me.tags, []);
  });

  it('a value that shows blank: only fillers or only spaces', async () => {
    const blanks = ['\u3164', '\u3164\u3164', '\u2800', '\u115F\u1160', '   ', '\u3000', '\u00A0 '];
    for (const blank of blanks) {
      const label = JSON.stringify(blank);
      assertRefusedField(await patchMe({ name: { display: blank } }), 'name.display', label);
      assertRefusedField(await patchMe({ headline: blank }), 'headline', label);
      assertRefusedField(await patchMe({ pronouns: blank }), 'pronouns', label);
      const res = await post(t, '/v1/accounts', {
        email: freshEmail('blank'),
        password: STRONG_PASSWORD,
        firstName: blank,
      });
      assertRefusedField(res, 'firstName', label);
    }
  });

  it('emoji: a plain one is kept, a ZWJ sequence is refused', async () => {
    const res = await patchMe({ name: { display: 'Ada 🙂' }, headline: '🧮 maths 👍🏽', tags: ['🙂'] });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().name.display, 'Ada 🙂');
    assert.equal(res.json().headline, '🧮 maths 👍🏽');
    assertRefusedField(await patchMe({ name: { display: 'Ada 👩\u200D💻' } }), 'name.display', 'ZWJ emoji');
  });

  it('names in any script are kept, and longer texts may still carry direction marks', async () => {
    const res = await patchMe({
      name: { first: 'José-María', last: 'Nuñez 李 محمد', display: 'Zoë ßtraße' },
      headline: 'Mathématicienne · 数学家',
      bio: 'שלום\u200F (Hebrew, then a right-to-left mark)',
    });
    assert.equal(res.statusCode, 200, res.body);
    const me = res.json();
    assert.equal(me.name.display, 'Zoë ßtraße');
    assert.equal(me.headline, 'Mathématicienne · 数学家');
  });
});
