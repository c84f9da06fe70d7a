// Hostile bodies at sign-up (and login) are refused as problem+json with a
// stable code, field errors where the body parsed, and the users table is
// left exactly as it was.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, post, type Reply } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { countUsers, freshEmail, STRONG_PASSWORD, signUp } from '../helpers/factories.ts';

describe(`malformed input changes nothing (${testDialect})`, () => {
  let t: TestApp;

  before(async () => {
    t = await buildTestApp({
      env: { ROSTER_RATE_LIMIT_IP_FACTOR: '0' },
    });
    await signUp(t, { label: 'seed' });
  });
  after(() => t.close());

  const signUpRaw = (payload: string, contentType = 'application/json'): Promise<Reply> =>
    post(t, '/v1/accounts', payload, { 'content-type': contentType });
  const signUpJson = (body: Record<string, unknown>): Promise<Reply> =>
    signUpRaw(JSON.stringify({ email: freshEmail('hostile'), password: STRONG_PASSWORD, ...body }));

  /** Runs `send`, expects the problem, and checks that no user row appeared. */
  async function refused(
    send: () => Promise<Reply>,
    status: number,
    code: string,
    paths?: string[],
  ): Promise<Record<string, unknown>> {
    const before = await countUsers(t);
    const res = await send();
    const body = assertProblem(res, status, code);
    assert.equal(body.requestId, res.headers['x-request-id']);
    if (status === 422) {
      const errors = body.errors as { path: string; message: string }[];
      assert.ok(Array.isArray(errors) && errors.length > 0, 'errors[] on a 422');
      for (const e of errors) {
        assert.equal(typeof e.path, 'string');
        assert.ok(typeof e.message === 'string' && e.message.length > 0);
      }
      if (paths) assert.deepEqual([...new Set(errors.map((e) => e.path))].sort(), [...paths].sort());
    }
    assert.equal(await countUsers(t), before, 'no user row was written');
    return body;
  }

  it('email as an array, a number, an object, null or a boolean: 422 on email', async () => {
    for (const email of [['a@example.com'], 42, { address: 'a@example.com' }, null, true]) {
      await refused(() => signUpJson({ email }), 422, 'validation_failed', ['email']);
    }
  });

  it('password as an array, a number or an object: 422 on password', async () => {
    for (const password of [[STRONG_PASSWORD], 1234567890123, { value: STRONG_PASSWORD }]) {
      await refused(() => signUpJson({ password }), 422, 'validation_failed', ['password']);
    }
  });

  it('a __proto__ or constructor.prototype key is refused as malformed (400)', async () => {
    const email = freshEmail('proto');
    await refused(
      () => signUpRaw(`{"email":"${email}","password":"${STRONG_PASSWORD}","__proto__":{"role":"admin"}}`),
      400,
      'malformed_request',
    );
    await refused(
      () =>
        signUpRaw(
          `{"email":"${email}","password":"${STRONG_PASSWORD}","constructor":{"prototype":{"role":"admin"}}}`,
        ),
      400,
      'malformed_request',
    );
    await refused(
      () =>
        signUpRaw(`{"email":"${email}","password":"${STRONG_PASSWORD}","firstName":{"__proto__":{"x":1}}}`),
      400,
      'malformed_request',
    );
    assert.equal(({} as Record<string, unknown>).role, undefined, 'Object.prototype untouched');
  });

  it('NUL bytes and other control characters in names or the email: 422', async () => {
    await refused(() => signUpJson({ firstName: 'A\u0000B' }), 422, 'validation_failed', ['firstName']);
    await refused(() => signUpJson({ lastName: 'Love\u0000lace' }), 422, 'validation_failed', ['lastName']);
    await refused(() => signUpJson({ firstName: 'Ada\u001b[31m' }), 422, 'validation_failed', ['firstName']);
    await refused(() => signUpJson({ email: `nul\u0000${freshEmail()}` }), 422, 'validation_failed', [
      'email',
    ]);
    await refused(
      () => signUpJson({ identifier: 'x' }), // login's field at sign-up
      422,
      'validation_failed',
      ['identifier'],
    );
  });

  it('a 10 KB first name: 422; a 2 MB body: 413', async () => {
    await refused(() => signUpJson({ firstName: 'A'.repeat(10 * 1024) }), 422, 'validation_failed', [
      'firstName',
    ]);
    await refused(() => signUpJson({ lastName: 'B'.repeat(2 * 1024 * 1024) }), 413, 'payload_too_large');
  });

  it('fields the schema does not name (mass assignment) are refused, each reported', async () => {
    const body = await refused(
      () => signUpJson({ role: 'admin', emailVerified: true, status: 'active', id: crypto.randomUUID() }),
      422,
      'validation_failed',
      ['role', 'emailVerified', 'status', 'id'],
    );
    const errors = body.errors as { message: string }[];
    assert.ok(errors.every((e) => e.message === 'is not a known field'));
    const admins = await t.db.database.db
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'admin')
      .execute();
    assert.equal(admins.length, 0);
  });

  it('bodies that are not a JSON object: 400, 415 or 422, never 500', async () => {
    await refused(() => signUpRaw(''), 400, 'malformed_request');
    await refused(() => signUpRaw('{"email": '), 400, 'malformed_request');
    await refused(() => signUpRaw('[]'), 422, 'validation_failed');
    await refused(() => signUpRaw('"a@example.com"'), 422, 'validation_failed');
    await refused(() => signUpRaw('null'), 422, 'validation_failed');
    await refused(
      () => signUpRaw(`email=${freshEmail()}&password=x`, 'application/x-www-form-urlencoded'),
      415,
      'unsupported_media_type',
    );
    // Fastify reads text/plain as a string, which the schema then refuses.
    await refused(
      () => signUpRaw(JSON.stringify({ email: freshEmail(), password: STRONG_PASSWORD }), 'text/plain'),
      422,
      'validation_failed',
      ['(root)'],
    );
    await refused(() => signUpRaw('<email/>', 'application/xml'), 415, 'unsupported_media_type');
    // Deep nesting inside the 1 MiB limit must not overflow a stack anywhere.
    const deep = `{"email":${'['.repeat(400_000)}${']'.repeat(400_000)},"password":"x"}`;
    const res = await signUpRaw(deep);
    assert.ok([400, 422].includes(res.statusCode), `deep nesting: ${res.statusCode}`);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  });

  it('login with typed or operator-like identifiers is a 422 and creates nothing', async () => {
    for (const identifier of [{ $ne: null }, ['a@example.com'], 1, '', 'x'.repeat(300), 'a\u0000b']) {
      await refused(() => post(t, '/v1/sessions', { identifier, password: 'x' }), 422, 'validation_failed', [
        'identifier',
      ]);
    }
  });

  it('SQL metacharacters in a well-formed address are data, not code', async () => {
    const before = await countUsers(t);
    const email = `o'brien--%_*${Date.now()}@example.com`;
    const res = await post(t, '/v1/accounts', {
      email,
      password: STRONG_PASSWORD,
      firstName: "Robert'); DROP TABLE users;--",
    });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(await countUsers(t), before + 1);
    const row = await t.db.database.db
      .selectFrom('users')
      .select(['email', 'first_name'])
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    assert.deepEqual({ ...row }, { email, first_name: "Robert'); DROP TABLE users;--" });
  });
});
