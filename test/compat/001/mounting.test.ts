// ROSTER_COMPAT decides whether seed 001 is served; /openapi.json documents
// its four routes under the `seed 001` tag with the document's shapes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTestApp } from '../../helpers/build-test-app.ts';
import { assertProblem, request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import type { Json } from '../../helpers/factories.ts';
import { unauthorized } from './seed-001.ts';

describe(`seed 001 mounting and reference (${testDialect})`, () => {
  it('is served under all, 001 or a list holding it; not under none or a list without it', async () => {
    for (const [compat, served] of [
      ['all', true],
      ['001', true],
      ['001,004', true],
      ['none', false],
      ['003,004', false],
    ] as const) {
      const t = await buildTestApp({ env: { ROSTER_COMPAT: compat } });
      try {
        const res = await request(t, 'GET', '/api/v1/me');
        if (served) unauthorized(res);
        else assertProblem(res, 404, 'not_found');
      } finally {
        await t.close();
      }
    }
  });

  it('documents every route under `seed 001` with its request and reply shapes and scope', async () => {
    const t = await buildTestApp({ env: { ROSTER_COMPAT: '001' } });
    try {
      const doc = (await request(t, 'GET', '/openapi.json')).json();
      assert.ok(doc.tags.some((tag: Json) => tag.name === 'seed 001'));
      const ops: [string, string, string][] = [
        ['/api/v1/me', 'get', 'profile:read'],
        ['/api/v1/me', 'patch', 'profile:write'],
        ['/api/v1/me/password', 'post', 'profile:write'],
        ['/api/v1/me/verify-email', 'post', 'profile:write'],
      ];
      for (const [path, method, permission] of ops) {
        const op = doc.paths[path][method];
        assert.deepEqual(op.tags, ['seed 001'], `${method} ${path}`);
        assert.deepEqual(op.security, [{ bearer: [permission] }]);
        const invalid = op.responses['422'].content['application/json'].schema;
        assert.equal(invalid.title, 'HTTPValidationError');
        assert.deepEqual(Object.keys(invalid.properties.detail.items.properties), ['loc', 'msg', 'type']);
        assert.ok(op.responses['200'] && op.responses['4XX']);
      }
      const update = doc.paths['/api/v1/me'].patch.requestBody.content['application/json'].schema;
      assert.equal(update.title, 'UpdateProfileRequest');
      assert.deepEqual(Object.keys(update.properties), [
        'first_name',
        'last_name',
        'display_name',
        'phone',
        'locale',
        'timezone',
      ]);
      const password = doc.paths['/api/v1/me/password'].post.requestBody.content['application/json'].schema;
      assert.equal(password.title, 'ChangePasswordRequest');
      assert.deepEqual(password.required, ['current_password', 'new_password']);
    } finally {
      await t.close();
    }
  });
});
