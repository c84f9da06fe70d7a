// One rule of fresh proof for every sensitive change (replacing the number,
// turning a factor on, deleting the account): a phone-only account without a
// second factor proves itself with an SMS code to the number it had when the
// session signed in; a number or factor added in this session never vouches.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { totpCodeAt } from '../../src/platform/crypto/totp.ts';
import { testDialect } from '../helpers/dialect.ts';
import { assertProblem, type Flow, startFlow } from '../helpers/flow.ts';
import { freshPhone } from '../helpers/phones.ts';
import { startSmsWebhook, type TestSmsWebhook } from '../helpers/sms-webhook.ts';

// Moves only when told, so the per-number send cooldown can be passed without waiting.
const clock = new ManualClock(new Date());
const CODE_SMS = /^(\d{6}) is your /;

describe(`re-authentication for every sensitive change (${testDialect})`, () => {
  let flow: Flow;
  let sms: TestSmsWebhook;
  const read = new Set<unknown>();
  /** The code of the next code SMS to a number (change notices go by SMS to these accounts too). */
  async function smsCode(phone: string): Promise<string> {
    const message = await sms.waitFor((m) => m.to === phone && !read.has(m) && CODE_SMS.test(m.body));
    read.add(message);
    return CODE_SMS.exec(message.body)![1]!;
  }
  before(async () => {
    sms = await startSmsWebhook();
    flow = await startFlow({ clock, env: { SMS_TRANSPORT: 'webhook', SMS_WEBHOOK_URL: sms.url } });
  });
  after(async () => {
    await flow.close();
    await sms.close();
  });

  /** Signs in by SMS (a new number signs up); the access token. */
  async function phoneSignIn(phone: string): Promise<{ token: string; userId: string }> {
    clock.advance(61_000); // past the per-number cooldown
    const sent = await flow.call('POST', '/v1/phone/otp', { body: { phone } });
    const signedIn = await flow.call('POST', '/v1/phone/otp/verify', {
      body: { phone, oti: sent.body.oti, code: await smsCode(phone) },
    });
    assert.equal(signedIn.status, 200, JSON.stringify(signedIn.body));
    return { token: signedIn.body.accessToken as string, userId: signedIn.body.user.id as string };
  }

  /** A code sent by POST /v1/me/phone to a number, with its oti. */
  async function linkCode(token: string, phone: string): Promise<{ code: string; oti: string }> {
    clock.advance(61_000);
    const sent = await flow.call('POST', '/v1/me/phone', { token, body: { phone } });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    return { oti: sent.body.oti as string, code: await smsCode(phone) };
  }

  const changeNumber = (token: string, phone: string, link: { code: string; oti: string }, proof = {}) =>
    flow.call('POST', '/v1/me/phone/verify', { token, body: { phone, ...link, ...proof } });

  it('a phone-only account without a factor changes its number with a code to the number it has', async () => {
    const old = freshPhone().e164;
    const { token, userId } = await phoneSignIn(old);
    const other = await phoneSignIn(old);
    const next = freshPhone().e164;

    const toNext = await linkCode(token, next);
    assertProblem(await changeNumber(token, next, toNext), 403, 'reauthentication_required');
    // A code to the number being linked is no proof of the account's own: its
    // oti is not one for the account's number.
    const again = await linkCode(token, next);
    assertProblem(
      await changeNumber(token, next, again, { confirmCode: again.code, confirmOti: again.oti }),
      422,
      'oti_expired',
    );

    const own = await linkCode(token, old);
    const fresh = await linkCode(token, next);
    const changed = await changeNumber(token, next, fresh, { confirmCode: own.code, confirmOti: own.oti });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.id, userId);
    assert.equal(changed.body.phone, next);
    // The number it had hears of the change; the other sessions end.
    const notice = await sms.waitFor((m) => m.to === old && /Undo it/.test(m.body));
    assert.match(notice.body, /phone number was changed/);
    assertProblem(await flow.call('GET', '/v1/me', { token: other.token }), 401, 'invalid_token');
    assert.equal((await flow.call('GET', '/v1/me', { token })).status, 200);
  });

  it('a number linked in this session vouches for no change; after a new sign-in it vouches for every one', async () => {
    const old = freshPhone().e164;
    const { token } = await phoneSignIn(old);
    const next = freshPhone().e164;
    const own = await linkCode(token, old);
    const toNext = await linkCode(token, next);
    const changed = await changeNumber(token, next, toNext, { confirmCode: own.code, confirmOti: own.oti });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));

    // In the session that linked it, the new number cannot confirm a factor…
    const setup = await flow.call('POST', '/v1/me/mfa/totp', { token });
    const secret = setup.body.secret as string;
    const byNew = await linkCode(token, next);
    const activate = (t: string, proof: { code: string; oti: string }) =>
      flow.call('POST', '/v1/me/mfa/totp/activate', {
        token: t,
        body: { code: totpCodeAt(secret, clock.now()), confirmCode: proof.code, confirmOti: proof.oti },
      });
    const refused = assertProblem(await activate(token, byNew), 403, 'reauthentication_required');
    assert.deepEqual(
      refused.errors.map((e: { path: string }) => e.path),
      ['confirmOti'],
    );
    // …nor the deletion of the account (the refused code was not spent: the proof failed first).
    assertProblem(
      await flow.call('DELETE', '/v1/me', { token, body: { code: byNew.code, oti: byNew.oti } }),
      403,
      'reauthentication_required',
    );

    // Signed in again with it, the same number proves both changes.
    const later = await phoneSignIn(next);
    const on = await activate(later.token, await linkCode(later.token, next));
    assert.equal(on.status, 200, JSON.stringify(on.body));
    const last = await linkCode(later.token, next);
    const deleted = await flow.call('DELETE', '/v1/me', {
      token: later.token,
      body: { code: last.code, oti: last.oti },
    });
    assert.equal(deleted.status, 204);
  });
});
