// End to end over HTTP with a real SMTP server: changing the password while
// signed in, and the forgotten-password reset by code and by link.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialect } from '../helpers/dialect.ts';
import {
  type Account,
  assertProblem,
  codeOf,
  type Flow,
  freshEmail,
  freshPassword,
  linkOf,
  PUBLIC_URL,
  SUBJECT,
  startFlow,
  type Tokens,
  wrongCode,
} from '../helpers/flow.ts';

let flow: Flow;

describe(`password flows over HTTP (${testDialect})`, () => {
  before(async () => {
    flow = await startFlow();
  });
  after(() => flow.close());

  const me = (tokens: Tokens) => flow.call('GET', '/v1/me', { token: tokens.accessToken });
  const refresh = (tokens: Tokens) =>
    flow.call('POST', '/v1/sessions/refresh', { body: { refreshToken: tokens.refreshToken } });
  const loginFails = async (account: Pick<Account, 'email'>, password: string) =>
    assertProblem(
      await flow.call('POST', '/v1/sessions', { body: { identifier: account.email, password } }),
      401,
      'invalid_credentials',
    );
  const forgot = (email: string) => flow.call('POST', '/v1/password/forgot', { body: { email } });
  const reset = (body: Record<string, string>) => flow.call('POST', '/v1/password/reset', { body });

  it('change: wrong current 403, weak new 422, then 204 ending the other sessions only, with a notice mail', async () => {
    const { call } = flow;
    const account = await flow.verifiedAccount();
    const current = await flow.login(account.email, account.password);
    const other = await flow.login(account.email, account.password);
    const change = (body: Record<string, string>) =>
      call('PUT', '/v1/me/password', { token: current.accessToken, body });
    const newPassword = freshPassword();

    assertProblem(
      await change({ currentPassword: `${account.password}!`, newPassword }),
      403,
      'invalid_password',
    );
    for (const weak of ['short', 'password123', account.email]) {
      const res = await change({ currentPassword: account.password, newPassword: weak });
      const problem = assertProblem(res, 422, 'validation_failed');
      assert.ok(problem.errors.length >= 1);
      assert.ok(
        problem.errors.every((e: { path: string }) => e.path === 'newPassword'),
        JSON.stringify(problem.errors),
      );
    }
    assertProblem(
      await call('PUT', '/v1/me/password', { body: { currentPassword: account.password, newPassword } }),
      401,
      'unauthenticated',
    );
    // Nothing changed yet.
    assert.equal((await me(other)).status, 200);
    assert.equal(flow.mailsTo(account.email).length, 1, 'only the verification mail so far');

    const changed = await change({ currentPassword: account.password, newPassword });
    assert.equal(changed.status, 204);
    assert.equal(changed.body, '');

    assertProblem(await me(other), 401, 'invalid_token');
    assertProblem(await refresh(other), 401, 'invalid_refresh_token');
    assert.equal((await me(current)).status, 200, 'the session that changed it stays');
    const rotated = await refresh(current);
    assert.equal(rotated.status, 200);

    const notice = await flow.takeMail(account.email, SUBJECT.passwordChanged);
    assert.match(notice.text, /was changed on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    assert.ok(notice.text.includes(`${PUBLIC_URL}/forgot-password`));

    await loginFails(account, account.password);
    const fresh = await flow.login(account.email, newPassword);
    assert.equal(fresh.user.id, account.id);
  });

  it('reset by code: 202 for known and unknown (no mail to the unknown), every session ends, code single use', async () => {
    const account = await flow.verifiedAccount();
    const one = await flow.login(account.email, account.password);
    const two = await flow.login(account.email, account.password);
    const unknown = freshEmail('nobody');

    const stranger = await forgot(unknown);
    const known = await forgot(` ${account.email.toUpperCase()} `);
    assert.equal(stranger.status, 202);
    assert.equal(known.status, 202);
    assert.equal(stranger.body, known.body);

    const mail = await flow.takeMail(account.email, SUBJECT.reset);
    assert.equal(flow.mailsTo(unknown).length, 0, 'nothing was sent to the unknown address');
    const code = codeOf(mail);
    linkOf(mail, '/reset-password');
    // Asking does not end anything.
    assert.equal((await me(one)).status, 200);

    const newPassword = freshPassword();
    // A weak password is refused without spending the code.
    const weak = assertProblem(
      await reset({ email: account.email, code, newPassword: 'password' }),
      422,
      'validation_failed',
    );
    assert.deepEqual(
      weak.errors.map((e: { path: string }) => e.path),
      ['newPassword'],
    );

    const done = await reset({ email: account.email.toUpperCase(), code, newPassword });
    assert.equal(done.status, 204);
    assert.equal(done.body, '');
    for (const tokens of [one, two]) {
      assertProblem(await me(tokens), 401, 'invalid_token');
      assertProblem(await refresh(tokens), 401, 'invalid_refresh_token');
    }
    await loginFails(account, account.password);
    assert.equal((await flow.login(account.email, newPassword)).user.id, account.id);
    await flow.takeMail(account.email, SUBJECT.passwordChanged);

    assertProblem(
      await reset({ email: account.email, code, newPassword: freshPassword() }),
      422,
      'invalid_code',
    );
    assertProblem(
      await reset({ token: linkOf(mail, '/reset-password').token, newPassword: freshPassword() }),
      422,
      'invalid_link',
    );
    assert.equal(
      (await flow.login(account.email, newPassword)).user.id,
      account.id,
      'still the new password',
    );
  });

  it('reset by link token: works once, and proves the mailbox of an unverified account', async () => {
    const email = freshEmail();
    const { reply } = await flow.signUp(email, freshPassword());
    assert.equal(reply.body.user.emailVerified, false);

    assert.equal((await forgot(email)).status, 202);
    const mail = await flow.takeMail(email, SUBJECT.reset);
    const { token } = linkOf(mail, '/reset-password');
    const newPassword = freshPassword();

    assert.equal((await reset({ token, newPassword })).status, 204);
    assertProblem(await reset({ token, newPassword: freshPassword() }), 422, 'invalid_link');
    assertProblem(
      await reset({ email, code: codeOf(mail), newPassword: freshPassword() }),
      422,
      'invalid_code',
    );
    assertProblem(await reset({ token, email, code: codeOf(mail), newPassword }), 422, 'validation_failed');

    const tokens = await flow.login(email, newPassword);
    assert.equal(tokens.user.id, reply.body.user.id);
    assert.equal(tokens.user.emailVerified, true);
  });

  it('five wrong codes kill the code: the right one then fails too until a new one is requested', async () => {
    const account = await flow.verifiedAccount();
    assert.equal((await forgot(account.email)).status, 202);
    const code = codeOf(await flow.takeMail(account.email, SUBJECT.reset));
    const bad = wrongCode(code);

    for (let i = 0; i < 5; i++) {
      assertProblem(
        await reset({ email: account.email, code: bad, newPassword: freshPassword() }),
        422,
        'invalid_code',
      );
    }
    const dead = assertProblem(
      await reset({ email: account.email, code, newPassword: freshPassword() }),
      422,
      'invalid_code',
    );
    assert.match(dead.detail, /request a new one/i);
    assert.equal(
      (await flow.login(account.email, account.password)).user.id,
      account.id,
      'password unchanged',
    );

    assert.equal((await forgot(account.email)).status, 202);
    const nextMail = await flow.takeMail(account.email, SUBJECT.reset);
    const newPassword = freshPassword();
    assert.equal((await reset({ email: account.email, code: codeOf(nextMail), newPassword })).status, 204);
    assert.equal((await flow.login(account.email, newPassword)).user.id, account.id);
  });
});
