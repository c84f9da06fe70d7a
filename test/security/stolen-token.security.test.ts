// A stolen access token must not become a permanent takeover. The attack:
// with the victim's token only, link the attacker's phone and enrol the
// attacker's authenticator; the victim resets the password by email; the
// attacker signs in by phone code and TOTP. Every step of it fails, and what
// a thief who also knew the password added is reversed by the reset or by
// the undo link mailed with each change.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { totpCodeAt } from '../../src/platform/crypto/totp.ts';
import { get, post } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { assertProblem, codeOf, type Flow, linkOf, startFlow } from '../helpers/flow.ts';
import { freshPhone as freshNumber, smsCodeReader } from '../helpers/phones.ts';
import { startSmsWebhook, type TestSmsWebhook } from '../helpers/sms-webhook.ts';

const clock = new ManualClock(new Date());
const CHANGED = /sign-in security changed$/;
const REVERSED = /sign-in were reversed$/;
const freshPhone = () => freshNumber().e164;

describe(`a stolen access token (${testDialect})`, () => {
  let flow: Flow;
  let sms: TestSmsWebhook;
  let readCode: (phone: string) => Promise<string>;
  before(async () => {
    sms = await startSmsWebhook();
    readCode = smsCodeReader(sms);
    flow = await startFlow({ clock, env: { SMS_TRANSPORT: 'webhook', SMS_WEBHOOK_URL: sms.url } });
  });
  after(async () => {
    await flow.close();
    await sms.close();
  });

  const smsCode = (phone: string) => readCode(phone);
  async function sendLinkCode(token: string, phone: string): Promise<string> {
    clock.advance(61_000); // past the per-number cooldown
    const sent = await flow.call('POST', '/v1/me/phone', { token, body: { phone } });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    return sent.body.oti as string;
  }
  async function linkPhone(token: string, phone: string, extra: Record<string, string> = {}) {
    const oti = await sendLinkCode(token, phone);
    return flow.call('POST', '/v1/me/phone/verify', {
      token,
      body: { phone, oti, code: await smsCode(phone), ...extra },
    });
  }
  async function startTotp(token: string): Promise<string> {
    const setup = await flow.call('POST', '/v1/me/mfa/totp', { token });
    assert.equal(setup.status, 200);
    return setup.body.secret as string;
  }
  const activateTotp = (token: string, secret: string, extra: Record<string, string> = {}) =>
    flow.call('POST', '/v1/me/mfa/totp/activate', {
      token,
      body: { code: totpCodeAt(secret, clock.now()), ...extra },
    });
  async function phoneSignIn(phone: string) {
    clock.advance(61_000);
    const sent = await flow.call('POST', '/v1/phone/otp', { body: { phone } });
    assert.equal(sent.status, 202);
    return flow.call('POST', '/v1/phone/otp/verify', {
      body: { phone, oti: sent.body.oti, code: await smsCode(phone) },
    });
  }
  async function resetPassword(email: string): Promise<string> {
    assert.equal((await flow.call('POST', '/v1/password/forgot', { body: { email } })).status, 202);
    const code = codeOf(await flow.takeMail(email, /Reset your Roster password/));
    const newPassword = `reset-${crypto.randomUUID()}-lantern`;
    const reset = await flow.call('POST', '/v1/password/reset', { body: { email, code, newPassword } });
    assert.equal(reset.status, 204, JSON.stringify(reset.body));
    return newPassword;
  }

  it('with the token only, the attack fails at every step', async () => {
    const victim = await flow.verifiedAccount();
    const stolen = (await flow.login(victim.email, victim.password)).accessToken;
    const attackerPhone = freshPhone();

    // Link the attacker's phone: refused without the victim's password, also with a guess.
    assertProblem(await linkPhone(stolen, attackerPhone), 403, 'reauthentication_required');
    assertProblem(
      await linkPhone(stolen, attackerPhone, { currentPassword: 'a guess at the password' }),
      403,
      'invalid_password',
    );
    // Enrol the attacker's authenticator: refused too.
    const secret = await startTotp(stolen);
    assertProblem(await activateTotp(stolen, secret), 403, 'reauthentication_required');
    assert.deepEqual((await flow.call('GET', '/v1/me/mfa', { token: stolen })).body.methods, []);
    const me = (await flow.call('GET', '/v1/me', { token: stolen })).body;
    assert.equal(me.phone, null, 'no number was linked');

    // The victim resets the password: the stolen token dies.
    const newPassword = await resetPassword(victim.email);
    assertProblem(await flow.call('GET', '/v1/me', { token: stolen }), 401, 'invalid_token');
    // The attacker's number signs in to an account of its own, never the victim's.
    const attacker = await phoneSignIn(attackerPhone);
    assert.equal(attacker.status, 200);
    assert.equal(attacker.body.created, true);
    assert.notEqual(attacker.body.user.id, victim.id);
    // No second factor of the attacker's stands between the victim and the account.
    const back = await flow.call('POST', '/v1/sessions', {
      body: { identifier: victim.email, password: newPassword },
    });
    assert.equal(back.status, 200);
    assert.equal(back.body.user.id, victim.id);
    assert.equal(back.body.mfaRequired, undefined);
  });

  it('what a thief who also had the password added is reversed by the reset, and listed in a mail', async () => {
    const victim = await flow.verifiedAccount();
    const stolen = (await flow.login(victim.email, victim.password)).accessToken;
    const attackerPhone = freshPhone();
    const proof = { currentPassword: victim.password };
    assert.equal((await linkPhone(stolen, attackerPhone, proof)).status, 200);
    await flow.takeMail(victim.email, CHANGED);
    const secret = await startTotp(stolen);
    assert.equal((await activateTotp(stolen, secret, proof)).status, 200);
    await flow.takeMail(victim.email, CHANGED);
    clock.advance(30_000);

    const newPassword = await resetPassword(victim.email);
    const mail = await flow.takeMail(victim.email, REVERSED);
    assert.match(mail.text, /An authenticator app was removed/);
    assert.match(mail.text, /The number \+49…\d\d was removed/);

    const attacker = await phoneSignIn(attackerPhone);
    assert.equal(attacker.status, 200);
    assert.equal(attacker.body.created, true, "the attacker's number no longer reaches the victim");
    assert.notEqual(attacker.body.user.id, victim.id);
    const back = await flow.call('POST', '/v1/sessions', {
      body: { identifier: victim.email, password: newPassword },
    });
    assert.equal(back.status, 200);
    assert.equal(back.body.mfaRequired, undefined, "the attacker's authenticator is gone");
    assert.equal(back.body.user.phone, null);
  });

  it("the mailed undo link reverses a change once and ends every session; the owner's own earlier factor stays", async () => {
    const victim = await flow.verifiedAccount();
    const stolen = (await flow.login(victim.email, victim.password)).accessToken;
    const secret = await startTotp(stolen);
    assert.equal((await activateTotp(stolen, secret, { currentPassword: victim.password })).status, 200);
    const mail = await flow.takeMail(victim.email, CHANGED);
    const { token } = linkOf(mail, '/undo-change');

    // The page behind the link changes nothing by being opened (mail scanners open links).
    const page = await get(flow.t, `/undo-change?token=${token}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /^text\/html/);
    assert.match(page.body, /<form method="post" action="\/undo-change">/);
    assert.equal((await flow.call('GET', '/v1/me/mfa', { token: stolen })).body.methods[0], 'totp');

    const undone = await post(flow.t, '/undo-change', `token=${encodeURIComponent(token)}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(undone.statusCode, 200, undone.body);
    assert.match(undone.body, /An authenticator app was removed/);
    assertProblem(await flow.call('GET', '/v1/me', { token: stolen }), 401, 'invalid_token');
    await flow.takeMail(victim.email, REVERSED);
    assertProblem(await flow.call('POST', '/v1/security/undo', { body: { token } }), 422, 'invalid_link');
    assertProblem(
      await flow.call('POST', '/v1/security/undo', { body: { token: 'x'.repeat(43) } }),
      422,
      'invalid_link',
    );
    const back = await flow.login(victim.email, victim.password);
    assert.deepEqual((await flow.call('GET', '/v1/me/mfa', { token: back.accessToken })).body.methods, []);
  });

  it('undoing a removal puts the factor back; undoing new recovery codes restores the old ones', async () => {
    const owner = await flow.verifiedAccount();
    const { accessToken: token } = await flow.login(owner.email, owner.password);
    const proof = { currentPassword: owner.password };
    const secret = await startTotp(token);
    const on = await activateTotp(token, secret, proof);
    const firstCodes = on.body.recoveryCodes as string[];
    await flow.takeMail(owner.email, CHANGED);
    clock.advance(30_000);
    const replaced = await flow.call('POST', '/v1/me/mfa/recovery-codes', {
      token,
      body: { code: totpCodeAt(secret, clock.now()), ...proof },
    });
    assert.equal(replaced.status, 200);
    const replacedMail = await flow.takeMail(owner.email, CHANGED);
    const undoCodes = linkOf(replacedMail, '/undo-change').token;
    assert.equal((await flow.call('POST', '/v1/security/undo', { body: { token: undoCodes } })).status, 200);
    const challenge = await flow.call('POST', '/v1/sessions', {
      body: { identifier: owner.email, password: owner.password },
    });
    const withOld = await flow.call('POST', '/v1/sessions/mfa', {
      body: { mfaToken: challenge.body.mfaToken, method: 'recovery_code', code: firstCodes[0] },
    });
    assert.equal(withOld.status, 200, 'the codes from before the replacement work again');

    const fresh = withOld.body.accessToken as string;
    clock.advance(30_000);
    const off = await flow.call('DELETE', '/v1/me/mfa/totp', {
      token: fresh,
      body: { code: totpCodeAt(secret, clock.now()), ...proof },
    });
    assert.equal(off.status, 204);
    const offMail = await flow.takeMail(owner.email, CHANGED);
    assert.equal(
      (
        await flow.call('POST', '/v1/security/undo', {
          body: { token: linkOf(offMail, '/undo-change').token },
        })
      ).status,
      200,
    );
    const again = await flow.call('POST', '/v1/sessions', {
      body: { identifier: owner.email, password: owner.password },
    });
    assert.equal(again.body.mfaRequired, true, 'the authenticator is on again');
    clock.advance(30_000);
    const second = await flow.call('POST', '/v1/sessions/mfa', {
      body: { mfaToken: again.body.mfaToken, method: 'totp', code: totpCodeAt(secret, clock.now()) },
    });
    assert.equal(second.status, 200, 'with the same app as before');
  });

  it('an account without a password confirms with its own number; a factor from this session does not count', async () => {
    const phone = freshPhone();
    const signedIn = await phoneSignIn(phone);
    assert.equal(signedIn.body.created, true);
    const token = signedIn.body.accessToken as string;
    const secret = await startTotp(token);
    assertProblem(await activateTotp(token, secret), 403, 'reauthentication_required');
    const confirmOti = await sendLinkCode(token, phone);
    const confirmCode = await smsCode(phone);
    assert.equal((await activateTotp(token, secret, { confirmCode, confirmOti })).status, 200);

    // The factor enrolled in this session cannot vouch for the next change.
    clock.advance(30_000);
    assertProblem(
      await flow.call('POST', '/v1/me/mfa/recovery-codes', {
        token,
        body: { code: totpCodeAt(secret, clock.now()), confirmCode: totpCodeAt(secret, clock.now()) },
      }),
      422,
      'mfa_method_unavailable',
    );
  });
});
