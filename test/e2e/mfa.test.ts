// Second factors over HTTP with a real SMTP server: TOTP, recovery codes and
// email codes, from set-up to the second step of a sign-in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { totpCodeAt } from '../../src/platform/crypto/totp.ts';
import { testDialect } from '../helpers/dialect.ts';
import { type Account, assertProblem, type Flow, startFlow } from '../helpers/flow.ts';

const SECURITY_CHANGED = /^Your Roster sign-in security changed$/;
const clock = new ManualClock(new Date());

describe(`MFA (${testDialect})`, () => {
  let flow: Flow;
  before(async () => {
    flow = await startFlow({ clock });
  });
  after(() => flow.close());

  const signIn = (a: Account) =>
    flow.call('POST', '/v1/sessions', { body: { identifier: a.email, password: a.password } });
  const second = (mfaToken: string, method: string, code: string) =>
    flow.call('POST', '/v1/sessions/mfa', { body: { mfaToken, method, code } });
  const codeOfMail = (text: string) => /(\d{6})/.exec(text)![1]!;

  async function withTotp(): Promise<{
    account: Account;
    secret: string;
    recoveryCodes: string[];
    token: string;
  }> {
    const account = await flow.verifiedAccount();
    const { accessToken: token } = await flow.login(account.email, account.password);
    const setup = await flow.call('POST', '/v1/me/mfa/totp', { token });
    assert.equal(setup.status, 200);
    assert.match(setup.body.otpauthUrl, /^otpauth:\/\/totp\/Roster:/);
    assert.match(setup.body.qrSvg, /^<svg/);
    const secret = setup.body.secret as string;
    assertProblem(
      await flow.call('POST', '/v1/me/mfa/totp/activate', {
        token,
        body: { code: '000000', currentPassword: account.password },
      }),
      422,
      'invalid_code',
    );
    const activated = await flow.call('POST', '/v1/me/mfa/totp/activate', {
      token,
      body: { code: totpCodeAt(secret, clock.now()), currentPassword: account.password },
    });
    assert.equal(activated.status, 200);
    await flow.takeMail(account.email, SECURITY_CHANGED);
    clock.advance(30_000); // the activation code's step is spent
    return { account, secret, recoveryCodes: activated.body.recoveryCodes, token };
  }

  it('TOTP: set up, sign in with a code, replay refused, then off', async () => {
    const { account, secret, recoveryCodes, token } = await withTotp();
    assert.equal(recoveryCodes.length, 10);
    assert.deepEqual((await flow.call('GET', '/v1/me/mfa', { token })).body, {
      methods: ['totp'],
      recoveryCodesLeft: 10,
    });

    const challenge = await signIn(account);
    assert.equal(challenge.status, 200);
    assert.equal(challenge.body.mfaRequired, true);
    assert.deepEqual(challenge.body.methods, ['totp', 'recovery_code']);
    assert.equal(challenge.body.accessToken, undefined, 'no tokens before the second step');
    assertProblem(await second(challenge.body.mfaToken, 'totp', '000000'), 401, 'invalid_mfa_code');
    const code = totpCodeAt(secret, clock.now());
    const done = await second(challenge.body.mfaToken, 'totp', code);
    assert.equal(done.status, 200);
    assert.equal(done.body.user.id, account.id);
    assertProblem(await second(challenge.body.mfaToken, 'totp', code), 401, 'invalid_mfa_token');

    const again = await signIn(account);
    assertProblem(await second(again.body.mfaToken, 'totp', code), 401, 'invalid_mfa_code');
    clock.advance(30_000);
    assert.equal((await second(again.body.mfaToken, 'totp', totpCodeAt(secret, clock.now()))).status, 200);

    clock.advance(30_000);
    assertProblem(
      await flow.call('DELETE', '/v1/me/mfa/totp', {
        token,
        body: { code: '000000', currentPassword: account.password },
      }),
      422,
      'invalid_code',
    );
    const off = await flow.call('DELETE', '/v1/me/mfa/totp', {
      token,
      body: { code: totpCodeAt(secret, clock.now()), currentPassword: account.password },
    });
    assert.equal(off.status, 204);
    await flow.takeMail(account.email, SECURITY_CHANGED);
    assert.deepEqual((await flow.call('GET', '/v1/me/mfa', { token })).body, {
      methods: [],
      recoveryCodesLeft: 0,
    });
    assert.ok((await signIn(account)).body.accessToken, 'a plain sign-in again');
  });

  it('recovery codes work once each and can be replaced', async () => {
    const { account, secret, recoveryCodes, token } = await withTotp();
    const first = await signIn(account);
    const typed = recoveryCodes[0]!.toLowerCase().replace('-', ' ');
    assert.equal((await second(first.body.mfaToken, 'recovery_code', typed)).status, 200);
    const again = await signIn(account);
    assertProblem(
      await second(again.body.mfaToken, 'recovery_code', recoveryCodes[0]!),
      401,
      'invalid_mfa_code',
    );
    assert.equal((await flow.call('GET', '/v1/me/mfa', { token })).body.recoveryCodesLeft, 9);

    const replaced = await flow.call('POST', '/v1/me/mfa/recovery-codes', {
      token,
      body: { code: totpCodeAt(secret, clock.now()), currentPassword: account.password },
    });
    assert.equal(replaced.status, 200);
    assert.equal(replaced.body.recoveryCodes.length, 10);
    assertProblem(
      await second(again.body.mfaToken, 'recovery_code', recoveryCodes[1]!),
      401,
      'invalid_mfa_code',
    );
    assert.equal(
      (await second(again.body.mfaToken, 'recovery_code', replaced.body.recoveryCodes[0])).status,
      200,
    );
  });

  it('a pending sign-in allows 5 tries and lives 5 minutes', async () => {
    const { account, secret } = await withTotp();
    const challenge = await signIn(account);
    for (let i = 0; i < 5; i++)
      assertProblem(await second(challenge.body.mfaToken, 'totp', '000000'), 401, 'invalid_mfa_code');
    assertProblem(
      await second(challenge.body.mfaToken, 'totp', totpCodeAt(secret, clock.now())),
      401,
      'invalid_mfa_token',
    );
    const late = await signIn(account);
    clock.advance(5 * 60_000 + 1_000);
    assertProblem(
      await second(late.body.mfaToken, 'totp', totpCodeAt(secret, clock.now())),
      401,
      'invalid_mfa_token',
    );
    assertProblem(await second('x'.repeat(43), 'totp', '123456'), 401, 'invalid_mfa_token');
  });

  it('email codes: turned on with a mailed code, then used at sign-in', async () => {
    const account = await flow.verifiedAccount();
    const { accessToken: token } = await flow.login(account.email, account.password);
    assert.equal((await flow.call('POST', '/v1/me/mfa/email', { token })).status, 202);
    const setupCode = codeOfMail((await flow.takeMail(account.email, /security code$/)).text);
    const on = await flow.call('POST', '/v1/me/mfa/email/activate', {
      token,
      body: { code: setupCode, currentPassword: account.password },
    });
    assert.equal(on.status, 200);
    assert.equal(on.body.recoveryCodes.length, 10);
    await flow.takeMail(account.email, SECURITY_CHANGED);

    const challenge = await signIn(account);
    assert.deepEqual(challenge.body.methods, ['email', 'recovery_code']);
    assert.equal(
      (await flow.call('POST', '/v1/sessions/mfa/email', { body: { mfaToken: challenge.body.mfaToken } }))
        .status,
      202,
    );
    const loginMail = await flow.takeMail(account.email, /code/i);
    const done = await second(challenge.body.mfaToken, 'email', codeOfMail(loginMail.text));
    assert.equal(done.status, 200);
    assert.deepEqual(
      (await flow.call('GET', '/v1/sessions/mfa', { token: done.body.accessToken })).status,
      404,
      'no such route: the second step is POST only',
    );
    assertProblem(await second(challenge.body.mfaToken, 'totp', '123456'), 401, 'invalid_mfa_token');
  });

  it('the second step is refused for a method the account does not have', async () => {
    const { account } = await withTotp();
    const challenge = await signIn(account);
    assertProblem(await second(challenge.body.mfaToken, 'email', '123456'), 422, 'mfa_method_unavailable');
    assertProblem(
      await flow.call('POST', '/v1/sessions/mfa/email', { body: { mfaToken: challenge.body.mfaToken } }),
      422,
      'mfa_method_unavailable',
    );
  });

  it('parallel guesses on one pending sign-in get 5 tries in all', async () => {
    const { account, secret } = await withTotp();
    const challenge = await signIn(account);
    const replies = await Promise.all(
      Array.from({ length: 12 }, () => second(challenge.body.mfaToken, 'totp', '000000')),
    );
    const codes = JSON.stringify(replies.map((r) => r.body.code));
    assert.equal(replies.filter((r) => r.body.code === 'invalid_mfa_code').length, 5, codes);
    assert.equal(replies.filter((r) => r.body.code === 'invalid_mfa_token').length, 7, codes);
    assertProblem(
      await second(challenge.body.mfaToken, 'totp', totpCodeAt(secret, clock.now())),
      401,
      'invalid_mfa_token',
    );
  });

  it('deleting the account erases its factors and recovery codes', async () => {
    const { account, token } = await withTotp();
    assert.equal(
      (await flow.call('DELETE', '/v1/me', { token, body: { password: account.password } })).status,
      204,
    );
    const db = flow.t.db.database.db;
    assert.equal(
      (await db.selectFrom('mfa_factors').select('id').where('user_id', '=', account.id).execute()).length,
      0,
    );
    assert.equal(
      (await db.selectFrom('recovery_codes').select('id').where('user_id', '=', account.id).execute()).length,
      0,
    );
  });
});
