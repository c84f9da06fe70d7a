// The edges of sensitive changes: a reset removes what was added and never
// brings back what the owner replaced; old undo links die at a reset; a
// stolen token cannot lock the owner's own confirmations; an account without
// a password is told by SMS; deleting an account wants the same fresh proof.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { totpCodeAt } from '../../src/platform/crypto/totp.ts';
import { request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { type Account, assertProblem, codeOf, type Flow, linkOf, startFlow } from '../helpers/flow.ts';
import { freshPhone, smsCodeReader } from '../helpers/phones.ts';
import { startSmsWebhook, type TestSmsWebhook } from '../helpers/sms-webhook.ts';

const clock = new ManualClock(new Date());
const CHANGED = /sign-in security changed$/;

describe(`sensitive changes at their edges (${testDialect})`, () => {
  let flow: Flow;
  let sms: TestSmsWebhook;
  let smsCode: (phone: string) => Promise<string>;
  before(async () => {
    sms = await startSmsWebhook();
    smsCode = smsCodeReader(sms);
    // Requests name their client address; the proxy in front of the app is trusted.
    flow = await startFlow({
      clock,
      env: { SMS_TRANSPORT: 'webhook', SMS_WEBHOOK_URL: sms.url, TRUST_PROXY: '127.0.0.1' },
    });
  });
  after(async () => {
    await flow.close();
    await sms.close();
  });

  const signIn = (a: Account) =>
    flow.call('POST', '/v1/sessions', { body: { identifier: a.email, password: a.password } });
  async function enableTotp(token: string, proof: Record<string, string>) {
    const setup = await flow.call('POST', '/v1/me/mfa/totp', { token });
    const secret = setup.body.secret as string;
    const on = await flow.call('POST', '/v1/me/mfa/totp/activate', {
      token,
      body: { code: totpCodeAt(secret, clock.now()), ...proof },
    });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    clock.advance(30_000);
    return { secret, recoveryCodes: on.body.recoveryCodes as string[] };
  }
  async function linkPhone(token: string, phone: string, proof: Record<string, string>) {
    clock.advance(31_000);
    const sent = await flow.call('POST', '/v1/me/phone', { token, body: { phone } });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    const linked = await flow.call('POST', '/v1/me/phone/verify', {
      token,
      body: { phone, oti: sent.body.oti, code: await smsCode(phone), ...proof },
    });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
  }
  /** An account made by SMS sign-in (no password), and an SMS code sent to its own number for confirming. */
  async function phoneAccount(): Promise<{
    phone: string;
    token: string;
    confirm: { body: { oti: string } };
  }> {
    const phone = freshPhone().e164;
    clock.advance(31_000);
    const sent = await flow.call('POST', '/v1/phone/otp', { body: { phone } });
    const signedIn = await flow.call('POST', '/v1/phone/otp/verify', {
      body: { phone, oti: sent.body.oti, code: await smsCode(phone) },
    });
    const token = signedIn.body.accessToken as string;
    clock.advance(31_000);
    const confirm = await flow.call('POST', '/v1/me/phone', { token, body: { phone } });
    return { phone, token, confirm };
  }
  async function reset(email: string): Promise<string> {
    assert.equal((await flow.call('POST', '/v1/password/forgot', { body: { email } })).status, 202);
    const code = codeOf(await flow.takeMail(email, /Reset your Roster password/));
    const newPassword = `reset-${crypto.randomUUID()}-lantern`;
    const done = await flow.call('POST', '/v1/password/reset', { body: { email, code, newPassword } });
    assert.equal(done.status, 204, JSON.stringify(done.body));
    return newPassword;
  }

  it('a reset removes recovery codes made since the last sign-in and never brings back the ones they replaced', async () => {
    const owner = await flow.verifiedAccount();
    const first = await flow.login(owner.email, owner.password);
    const { secret, recoveryCodes: leaked } = await enableTotp(first.accessToken, {
      currentPassword: owner.password,
    });
    await flow.takeMail(owner.email, CHANGED);
    // The owner signs in fully, then replaces codes that leaked.
    const challenge = await signIn(owner);
    const full = await flow.call('POST', '/v1/sessions/mfa', {
      body: { mfaToken: challenge.body.mfaToken, method: 'totp', code: totpCodeAt(secret, clock.now()) },
    });
    assert.equal(full.status, 200);
    clock.advance(30_000);
    const replaced = await flow.call('POST', '/v1/me/mfa/recovery-codes', {
      token: full.body.accessToken,
      body: { code: totpCodeAt(secret, clock.now()), currentPassword: owner.password },
    });
    assert.equal(replaced.status, 200);
    const replacedMail = await flow.takeMail(owner.email, CHANGED);

    const newPassword = await reset(owner.email);
    const again = await flow.call('POST', '/v1/sessions', {
      body: { identifier: owner.email, password: newPassword },
    });
    assert.equal(again.body.mfaRequired, true, 'the owner’s own authenticator stays');
    assertProblem(
      await flow.call('POST', '/v1/sessions/mfa', {
        body: { mfaToken: again.body.mfaToken, method: 'recovery_code', code: leaked[0] },
      }),
      401,
      'invalid_mfa_code',
    );
    // The undo link of the replacement died with the reset: it cannot bring the leaked codes back.
    const { token } = linkOf(replacedMail, '/undo-change');
    assertProblem(await flow.call('POST', '/v1/security/undo', { body: { token } }), 422, 'invalid_link');
  });

  it('a reset removes a number linked since the last sign-in and never restores the number it replaced', async () => {
    const owner = await flow.verifiedAccount();
    const proof = { currentPassword: owner.password };
    const thiefPhone = freshPhone().e164;
    // Someone with the password links a number; the owner signs in and replaces it with their own.
    await linkPhone((await flow.login(owner.email, owner.password)).accessToken, thiefPhone, proof);
    const ownerPhone = freshPhone().e164;
    await linkPhone((await flow.login(owner.email, owner.password)).accessToken, ownerPhone, proof);

    await reset(owner.email);
    const db = flow.t.db.database.db;
    const row = await db
      .selectFrom('users')
      .select(['phone'])
      .where('id', '=', owner.id)
      .executeTakeFirstOrThrow();
    assert.equal(row.phone, null, 'neither number: the replaced one does not come back');
  });

  it('a thief with the password cannot shield what they added by signing in again before the reset', async () => {
    const owner = await flow.verifiedAccount();
    const thiefPhone = freshPhone().e164;
    const thief = await flow.login(owner.email, owner.password);
    await linkPhone(thief.accessToken, thiefPhone, { currentPassword: owner.password });
    await flow.takeMail(owner.email, CHANGED);
    await flow.login(owner.email, owner.password); // a full sign-in after the change
    await reset(owner.email);
    const mail = await flow.takeMail(owner.email, /sign-in were reversed$/);
    assert.match(mail.text, /was removed/);
    clock.advance(61_000);
    const sent = await flow.call('POST', '/v1/phone/otp', { body: { phone: thiefPhone } });
    const signedIn = await flow.call('POST', '/v1/phone/otp/verify', {
      body: { phone: thiefPhone, oti: sent.body.oti, code: await smsCode(thiefPhone) },
    });
    assert.equal(signedIn.body.created, true, "the thief's number no longer reaches the account");
    assert.notEqual(signedIn.body.user.id, owner.id);
  });

  it('ten wrong current passwords from one address lock that address only', async () => {
    const owner = await flow.verifiedAccount();
    const { accessToken: stolen } = await flow.login(owner.email, owner.password);
    const change = (from: string, currentPassword: string, newPassword: string) =>
      request(flow.t, 'PUT', '/v1/me/password', {
        token: stolen,
        body: { currentPassword, newPassword },
        headers: { 'x-forwarded-for': from },
      });
    for (let i = 0; i < 10; i++)
      assert.equal(
        (await change('203.0.113.9', `guess number ${i} here`, 'some new passphrase 42')).statusCode,
        403,
      );
    assert.equal((await change('203.0.113.9', owner.password, 'some new passphrase 42')).statusCode, 429);
    const fromHome = await change('198.51.100.4', owner.password, 'the owner’s new passphrase');
    assert.equal(fromHome.statusCode, 204, fromHome.body);
  });

  it('an account without a verified address is told by SMS, with the undo link', async () => {
    const { phone, token, confirm } = await phoneAccount();
    await enableTotp(token, { confirmCode: await smsCode(phone), confirmOti: confirm.body.oti });
    const notice = await sms.waitFor((m) => m.to === phone && /Undo it/.test(m.body));
    assert.match(notice.body, /An authenticator app was turned on/);
    const link = /https?:\/\/\S+\/undo-change\?token=([\w-]+)/.exec(notice.body);
    assert.ok(link, notice.body);
    assert.equal((await flow.call('POST', '/v1/security/undo', { body: { token: link[1] } })).status, 200);
    assertProblem(await flow.call('GET', '/v1/me', { token }), 401, 'invalid_token');
  });

  it('deleting an account without a password wants a factor from before this sign-in', async () => {
    const { phone, token, confirm } = await phoneAccount();
    const { secret } = await enableTotp(token, {
      confirmCode: await smsCode(phone),
      confirmOti: confirm.body.oti,
    });
    assertProblem(
      await flow.call('DELETE', '/v1/me', { token, body: { code: totpCodeAt(secret, clock.now()) } }),
      422,
      'mfa_method_unavailable',
    );
    assert.equal((await flow.call('GET', '/v1/me', { token })).status, 200, 'the account is still there');
  });
});
