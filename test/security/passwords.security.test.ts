// The password policy cannot be sidestepped: Unicode forms of one password
// are one password, the minimum length is configurable and counted in
// characters, common and account-derived passwords are refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, login, post, type Reply, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { countUsers, freshEmail } from '../helpers/factories.ts';
import { productionHasher } from '../helpers/hashers.ts';

const COMPOSED = 'un caf\u00e9 tr\u00e8s serr\u00e9 42';
const DECOMPOSED = 'un cafe\u0301 tre\u0300s serre\u0301 42';

function assertPolicyError(res: Reply, path: string, message?: RegExp): void {
  const body = assertProblem(res, 422, 'validation_failed');
  const errors = body.errors as { path: string; message: string }[];
  assert.deepEqual([...new Set(errors.map((e) => e.path))], [path], res.body);
  if (message) assert.match(errors[0]!.message, message);
}

// With the production hasher: NFC normalisation and the policy are checked
// against the argon2id parameters production runs.
describe(`password policy (${testDialect})`, () => {
  let t: TestApp;

  before(async () => {
    t = await buildTestApp({
      overrides: { hasher: productionHasher() },
      env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', ROSTER_RATE_LIMIT_IP_FACTOR: '0' },
    });
  });
  after(() => t.close());

  /** A sign-up whatever its answer (the policy's refusals are the subject). */
  const trySignUp = (email: string, password: string) => post(t, '/v1/accounts', { email, password });

  it('a password typed composed (U+00E9) works typed decomposed (e + U+0301), and back', async () => {
    assert.notEqual(COMPOSED, DECOMPOSED);
    assert.equal(COMPOSED, DECOMPOSED.normalize('NFC'));

    const a = freshEmail('nfc');
    assert.equal((await trySignUp(a, COMPOSED)).statusCode, 201);
    const res = await login(t, a, DECOMPOSED);
    assert.equal(res.statusCode, 200, res.body);

    const b = freshEmail('nfd');
    assert.equal((await trySignUp(b, DECOMPOSED)).statusCode, 201);
    assert.equal((await login(t, b, COMPOSED)).statusCode, 200);

    // And when re-checking it for a password change.
    const { accessToken } = res.json() as { accessToken: string };
    const change = await request(t, 'PUT', '/v1/me/password', {
      token: accessToken,
      body: { currentPassword: DECOMPOSED, newPassword: 'a completely new passphrase' },
    });
    assert.equal(change.statusCode, 204, change.body);
  });

  it('common passwords are refused, whatever their case', async () => {
    const before = await countUsers(t);
    for (const password of ['password123', 'qwertyuiop', 'Password123', 'QWERTYUIOP', 'iloveyou']) {
      assertPolicyError(await trySignUp(freshEmail('common'), password), 'password', /common/);
    }
    assert.equal(await countUsers(t), before);
  });

  it('a password equal to the address or its local part is refused', async () => {
    const local = `rumpelstiltskin${Date.now().toString(36)}`;
    const email = `${local}@example.com`;
    for (const password of [
      local,
      local.toUpperCase(),
      email,
      `${local[0]!.toUpperCase()}${local.slice(1)}`,
    ]) {
      assertPolicyError(await trySignUp(email, password), 'password', /username or email/);
    }
    assert.equal(await countUsers(t, email), 0);
  });

  it('a username as the password is refused too', async () => {
    const username = `mrbanana_${Date.now().toString(36)}`;
    const res = await post(t, '/v1/accounts', {
      email: freshEmail('uname'),
      password: username.toUpperCase(),
      username,
    });
    assertPolicyError(res, 'password');
  });

  it('the same rules apply to a new password at a password change', async () => {
    const email = freshEmail('change');
    const created = await trySignUp(email, 'the original passphrase');
    const { accessToken } = (created.json() as { session: { accessToken: string } }).session;
    const change = (newPassword: string) =>
      request(t, 'PUT', '/v1/me/password', {
        token: accessToken,
        body: { currentPassword: 'the original passphrase', newPassword },
      });
    assertPolicyError(await change('password123'), 'newPassword', /common/);
    assertPolicyError(await change(email.split('@')[0]!), 'newPassword');
    assertPolicyError(await change('Zq7#vX'), 'newPassword', /at least 8/);
    assert.equal((await login(t, email, 'the original passphrase')).statusCode, 200, 'unchanged');
  });

  it('at most 128 characters', async () => {
    assertPolicyError(
      await trySignUp(freshEmail('long'), 'x'.repeat(60) + 'y'.repeat(69)),
      'password',
      /at most 128/,
    );
    assert.equal((await trySignUp(freshEmail('long-ok'), 'x'.repeat(60) + 'y'.repeat(68))).statusCode, 201);
  });
});

describe(`ROSTER_PASSWORD_MIN_LENGTH (${testDialect})`, () => {
  let t: TestApp;

  before(async () => {
    t = await buildTestApp({
      env: { ROSTER_PASSWORD_MIN_LENGTH: '15', ROSTER_RATE_LIMIT_IP_FACTOR: '0' },
    });
  });
  after(() => t.close());

  it('refuses 14 characters and accepts 15', async () => {
    const before = await countUsers(t);
    const short = await post(t, '/v1/accounts', { email: freshEmail('min'), password: 'fourteen chars' });
    assert.equal('fourteen chars'.length, 14);
    assertPolicyError(short, 'password', /at least 15/);
    assert.equal(await countUsers(t), before);
    const ok = await post(t, '/v1/accounts', { email: freshEmail('min'), password: 'fifteen chars!!' });
    assert.equal(ok.statusCode, 201, ok.body);
  });

  it('counts characters, not UTF-16 units: 14 emoji are 14 characters', async () => {
    const emoji = '\u{1F511}'.repeat(14); // 28 UTF-16 units
    assert.equal(emoji.length, 28);
    assertPolicyError(
      await post(t, '/v1/accounts', { email: freshEmail('emoji'), password: emoji }),
      'password',
    );
    const fifteen = '\u{1F511}'.repeat(15);
    assert.equal(
      (await post(t, '/v1/accounts', { email: freshEmail('emoji'), password: fifteen })).statusCode,
      201,
    );
  });

  it('counts a decomposed accent as one character (NFC)', async () => {
    // 14 letters + "é" written as e + U+0301: 16 UTF-16 units, 15 characters after NFC.
    const password = 'abcdefghijklmne\u0301';
    assert.equal(password.length, 16);
    assert.equal([...password.normalize('NFC')].length, 15);
    assert.equal((await post(t, '/v1/accounts', { email: freshEmail('nfc-min'), password })).statusCode, 201);
    // 13 letters + "é": 15 UTF-16 units, but 14 characters.
    const tooShort = 'abcdefghijklme\u0301';
    assert.equal(tooShort.length, 15);
    assert.equal([...tooShort.normalize('NFC')].length, 14);
    assertPolicyError(
      await post(t, '/v1/accounts', { email: freshEmail('nfc-min'), password: tooShort }),
      'password',
    );
  });
});
