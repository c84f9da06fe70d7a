// `custom` profile fields: size-limited JSON, checked against the operator's
// JSON Schema (ROSTER_PROFILE_SCHEMA), private fields left out of public views.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { get, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account } from '../helpers/factories.ts';
import { createTestDatabase } from '../helpers/test-database.ts';

const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: {
    team: { type: 'string', maxLength: 40 },
    employeeId: { type: 'string', pattern: '^E[0-9]{4}$', 'x-private': true },
    skills: { type: 'array', items: { type: 'string' }, maxItems: 5 },
    office: {
      type: 'object',
      properties: { floor: { type: 'integer', minimum: 0 }, desk: { type: 'string' } },
      required: ['floor'],
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

function schemaFile(schema: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'roster-schema-')), 'profile.schema.json');
  writeFileSync(path, typeof schema === 'string' ? schema : JSON.stringify(schema));
  return path;
}

const patch = (t: TestApp, token: string, payload: unknown) =>
  request(t, 'PATCH', '/v1/me', { token, body: payload });

describe(`custom profile fields with a schema (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', ROSTER_PROFILE_SCHEMA: schemaFile(SCHEMA) },
    });
  });
  after(() => t.close());

  it('valid fields are kept and merged at the top level; null removes one key', async () => {
    const { token } = await account(t, { label: 'custom' });
    const first = await patch(t, token, { custom: { team: 'Platform', employeeId: 'E1234' } });
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.json().custom, { team: 'Platform', employeeId: 'E1234' });
    const second = await patch(t, token, { custom: { skills: ['go'], team: null } });
    assert.deepEqual(second.json().custom, { employeeId: 'E1234', skills: ['go'] });
    const other = await patch(t, token, { bio: 'untouched custom' });
    assert.deepEqual(other.json().custom, { employeeId: 'E1234', skills: ['go'] }, 'absent custom stays');
    const cleared = await patch(t, token, { custom: null });
    assert.deepEqual(cleared.json().custom, {});
  });

  it('values the schema refuses are a 422 with their paths, and nothing is applied', async () => {
    const { token } = await account(t, { label: 'custom-bad' });
    await patch(t, token, { custom: { team: 'Kept' } });
    const cases: [unknown, string][] = [
      [{ employeeId: 'x1' }, 'custom.employeeId'],
      [{ skills: ['a', 'b', 'c', 'd', 'e', 'f'] }, 'custom.skills'],
      [{ skills: [1] }, 'custom.skills.0'],
      [{ office: { desk: 'A1' } }, 'custom.office.floor'],
      [{ office: { floor: -1 } }, 'custom.office.floor'],
      [{ office: { floor: 1, wing: 'B' } }, 'custom.office.wing'],
      [{ unknownField: true }, 'custom.unknownField'],
    ];
    for (const [custom, path] of cases) {
      const res = await patch(t, token, { custom, bio: 'must not be applied' });
      assert.equal(res.statusCode, 422, JSON.stringify(custom));
      assert.equal(res.json().code, 'validation_failed');
      assert.ok(
        res.json().errors.some((e: { path: string }) => e.path === path),
        `${JSON.stringify(custom)}: ${JSON.stringify(res.json().errors)}`,
      );
    }
    const me = await get(t, '/v1/me', token);
    assert.deepEqual(me.json().custom, { team: 'Kept' });
    assert.equal(me.json().bio, null);
  });

  it('size and shape limits hold before the schema is consulted', async () => {
    const { token } = await account(t, { label: 'custom-size' });
    const big = await patch(t, token, { custom: { team: 'x'.repeat(9000) } });
    assert.equal(big.statusCode, 422);
    assert.match(big.json().errors[0].message, /bytes/);
    const notObject = await patch(t, token, { custom: ['team'] });
    assert.equal(notObject.statusCode, 422);
    const poisoned = await request(t, 'PATCH', '/v1/me', {
      token,
      body: '{"custom":{"__proto__":{"role":"admin"}}}',
      headers: { 'content-type': 'application/json' },
    });
    assert.ok([400, 422].includes(poisoned.statusCode), `prototype keys refused (${poisoned.statusCode})`);
    const me = await get(t, '/v1/me', token);
    assert.equal(me.json().role, 'user');
    assert.deepEqual(me.json().custom, {});
  });

  it('the public view shows declared fields only, never those marked x-private', async () => {
    const owner = await account(t, { label: 'custom-owner' });
    const viewer = await account(t, { label: 'custom-viewer' });
    // A headline unique to this test, so the search below finds the owner and only the owner.
    const headline = `Searcher ${owner.id.replaceAll('-', '')}`;
    const set = await patch(t, owner.token, {
      headline,
      custom: { team: 'Search', employeeId: 'E9876', office: { floor: 3 } },
    });
    assert.equal(set.statusCode, 200, set.body);
    const view = await get(t, `/v1/users/${owner.id}`, viewer.token);
    assert.deepEqual(view.json().custom, { team: 'Search', office: { floor: 3 } });
    assert.doesNotMatch(view.body, /E9876/);
    const listed = await get(t, `/v1/users?q=${encodeURIComponent(headline)}`, viewer.token);
    assert.equal(listed.statusCode, 200);
    // The owner is in the results, so the check below looks at a real item.
    assert.deepEqual(
      listed.json().items.map((u: { id: string }) => u.id),
      [owner.id],
    );
    assert.deepEqual(listed.json().items[0].custom, { team: 'Search', office: { floor: 3 } });
    assert.doesNotMatch(listed.body, /E9876/);
  });
});

describe(`custom profile fields without a schema (${testDialect})`, () => {
  it('any object within the limits is kept, and none of it is public', async () => {
    const t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
    try {
      const owner = await account(t, { label: 'free-owner' });
      const viewer = await account(t, { label: 'free-viewer' });
      const res = await patch(t, owner.token, { custom: { anything: { nested: [1, 2, { deep: true }] } } });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json().custom, { anything: { nested: [1, 2, { deep: true }] } });
      const deep = await patch(t, owner.token, {
        custom: { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } },
      });
      assert.equal(deep.statusCode, 422, 'nesting is bounded');
      const view = await get(t, `/v1/users/${owner.id}`, viewer.token);
      assert.deepEqual(view.json().custom, {});
    } finally {
      await t.close();
    }
  });

  it('custom data the engines cannot store, or that nests without end, is a 422 under custom', async () => {
    const t = await buildTestApp({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
    try {
      const owner = await account(t, { label: 'free-bad' });
      await patch(t, owner.token, { custom: { kept: 'yes' } });
      const raw = (json: string) =>
        request(t, 'PATCH', '/v1/me', {
          token: owner.token,
          body: json,
          headers: { 'content-type': 'application/json' },
        });
      const deep = 5000;
      // Raw JSON text, so the escapes and numbers reach the server exactly as written.
      const cases: [string, string][] = [
        ['NUL in a value', '{"custom":{"note":"a\\u0000b"}}'],
        ['NUL in a key', '{"custom":{"a\\u0000b":1}}'],
        ['NUL in a nested key', '{"custom":{"o":{"a\\u0000b":1}}}'],
        ['a lone high surrogate', '{"custom":{"note":"\\ud800"}}'],
        ['a lone low surrogate in a list', '{"custom":{"list":["ok","\\udc00x"]}}'],
        [`a value nested ${deep} deep`, `{"custom":{"d":${'['.repeat(deep)}${']'.repeat(deep)}}}`],
        ['a 65-character nested key', `{"custom":{"o":{"${'k'.repeat(65)}":1}}}`],
        ['an empty nested key', '{"custom":{"o":{"":1}}}'],
        ['a 65-character key', `{"custom":{"${'k'.repeat(65)}":1}}`],
        ['an empty key', '{"custom":{"":1}}'],
        ['a number too large for a double', '{"custom":{"n":1e400}}'],
        ['a nested number too large for a double', '{"custom":{"o":{"n":-1e400}}}'],
      ];
      const answers: Record<string, string> = {};
      for (const [label, json] of cases) {
        const res = await raw(json);
        const body = res.json();
        const paths = (body.errors ?? []).map((e: { path: string }) => e.path);
        answers[label] =
          res.statusCode === 422 && paths.length > 0 && paths.every((p: string) => /^custom(\.|$)/.test(p))
            ? '422 under custom'
            : `${res.statusCode} ${res.body.slice(0, 200)}`;
      }
      assert.deepEqual(answers, Object.fromEntries(cases.map(([label]) => [label, '422 under custom'])));
      const me = await get(t, '/v1/me', owner.token);
      assert.deepEqual(me.json().custom, { kept: 'yes' }, 'nothing was applied');
      // Well-formed pairs, escaped or not, are fine.
      const fine = await raw('{"custom":{"emoji":"\\ud83d\\ude00 ok","key\\u00e9":"caf\u00e9"}}');
      assert.equal(fine.statusCode, 200, fine.body);
      assert.deepEqual(fine.json().custom, { kept: 'yes', emoji: '\u{1F600} ok', 'key\u00e9': 'caf\u00e9' });
    } finally {
      await t.close();
    }
  });

  it('x-private anywhere but directly on a top-level property stops start-up, naming the place', async () => {
    const cases: [string, unknown, string][] = [
      [
        'in $defs',
        {
          type: 'object',
          properties: { badge: { $ref: '#/$defs/secret' } },
          $defs: { secret: { type: 'string', 'x-private': true } },
        },
        '#/$defs/secret/x-private',
      ],
      [
        'in allOf',
        {
          type: 'object',
          allOf: [{ properties: { ssn: { type: 'string', 'x-private': true } } }],
        },
        '#/allOf/0/properties/ssn/x-private',
      ],
      [
        'on a nested property',
        {
          type: 'object',
          properties: {
            office: { type: 'object', properties: { desk: { type: 'string', 'x-private': true } } },
          },
        },
        '#/properties/office/properties/desk/x-private',
      ],
    ];
    // One database for the attempts, dropped here: a start-up that fails leaves its own open.
    const db = await createTestDatabase();
    try {
      for (const [label, schema, place] of cases) {
        const path = schemaFile(schema);
        await assert.rejects(
          buildTestApp({ db, env: { ROSTER_PROFILE_SCHEMA: path } }),
          (error: Error) =>
            error.message.includes('ROSTER_PROFILE_SCHEMA') &&
            error.message.includes(path) &&
            error.message.includes(place),
          label,
        );
      }
    } finally {
      await db.drop();
    }
    // Directly on a top-level property it is honoured (the suite above shows it hidden).
    const fine = await buildTestApp({ env: { ROSTER_PROFILE_SCHEMA: schemaFile(SCHEMA) } });
    await fine.close();
  });

  it('a schema file that is missing or not a schema stops start-up with a message naming it', async () => {
    // One database for the attempts, dropped here: a start-up that fails leaves its own open.
    const db = await createTestDatabase();
    try {
      for (const path of [
        join(tmpdir(), 'no-such-roster-schema.json'),
        schemaFile('{ not json'),
        schemaFile({ type: 'no-such-type' }),
      ]) {
        await assert.rejects(
          buildTestApp({ db, env: { ROSTER_PROFILE_SCHEMA: path } }),
          (error: Error) => error.message.includes('ROSTER_PROFILE_SCHEMA') && error.message.includes(path),
        );
      }
    } finally {
      await db.drop();
    }
  });
});
