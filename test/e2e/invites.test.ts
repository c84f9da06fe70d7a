// Invite codes, invite-only sign-up (password and phone) and referrals.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/platform/clock.ts';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { post, request } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { account, makeAdmin, verifiedAccount } from '../helpers/factories.ts';
import {
  assertProblem,
  codeOf,
  type Flow,
  freshEmail,
  type Json,
  SUBJECT,
  startFlow,
} from '../helpers/flow.ts';
import { startSmsWebhook, type TestSmsWebhook } from '../helpers/sms-webhook.ts';

const PASSWORD = 'invite passphrase';
// Moved past the per-number SMS cooldown when a test sends twice to one number.
const clock = new ManualClock(new Date());

describe(`invites and referrals (${testDialect})`, () => {
  // Two nodes on one database: `open` lets anyone sign up, `closed` is invite-only.
  let open: TestApp;
  let closed: TestApp;
  let sms: TestSmsWebhook;
  before(async () => {
    sms = await startSmsWebhook();
    const env = {
      ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false',
      ROSTER_INVITE_QUOTA: '3',
      SMS_TRANSPORT: 'webhook',
      SMS_WEBHOOK_URL: sms.url,
    };
    open = await buildTestApp({ env, clock });
    closed = await buildTestApp({ env: { ...env, ROSTER_INVITE_ONLY: 'true' }, db: open.db, clock });
  });
  after(async () => {
    await closed.close();
    await open.close();
    await sms.close();
  });

  /** A sign-up whatever its answer (invite-only refusals are the subject). */
  const trySignUp = (app: TestApp, extra: Record<string, string> = {}, email = freshEmail('inv')) =>
    post(app, '/v1/accounts', { email, password: PASSWORD, ...extra });
  const member = () => account(open, { label: 'inv', password: PASSWORD });
  const call = (app: TestApp, method: 'GET' | 'POST', url: string, token: string) =>
    request(app, method, url, { token });
  const newCode = async (token: string): Promise<string> => {
    const res = await call(open, 'POST', '/v1/me/invite-codes', token);
    assert.equal(res.statusCode, 201, res.body);
    return res.json().code;
  };

  it('creates codes up to the quota; admins have no quota; the list shows each code once', async () => {
    const { token, id } = await member();
    const codes = [await newCode(token), await newCode(token), await newCode(token)];
    for (const code of codes) assert.match(code, /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/);
    assert.equal(new Set(codes).size, 3);
    // Stored like a secret: an HMAC to find it by and an encrypted copy, never the code itself.
    const stored = JSON.stringify(
      await open.db.database.db.selectFrom('invite_codes').selectAll().where('owner_id', '=', id).execute(),
    );
    for (const code of codes) {
      assert.doesNotMatch(stored, new RegExp(code.replace('-', '-?')));
    }
    const over = await call(open, 'POST', '/v1/me/invite-codes', token);
    assert.equal(over.statusCode, 403);
    assert.equal(over.json().code, 'invite_quota_reached');
    const list = await call(open, 'GET', '/v1/me/invite-codes', token);
    assert.deepEqual(
      list
        .json()
        .items.map((c: { code: string }) => c.code)
        .sort(),
      [...codes].sort(),
    );
    for (const item of list.json().items) {
      assert.equal(item.usedBy, null);
      assert.equal(item.usedAt, null);
    }
    await makeAdmin(open, id);
    assert.equal(
      (await call(open, 'POST', '/v1/me/invite-codes', token)).statusCode,
      201,
      'admins may go on',
    );
  });

  it('concurrent creations cannot pass the quota', async () => {
    const { token } = await member();
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => call(open, 'POST', '/v1/me/invite-codes', token)),
    );
    assert.deepEqual(replies.map((r) => r.statusCode).sort(), [201, 201, 201, 403, 403, 403, 403, 403]);
  });

  it('invite-only sign-up needs an unused code, and a code admits one account', async () => {
    const inviter = await member();
    const code = await newCode(inviter.token);
    const none = await trySignUp(closed);
    assert.equal(none.statusCode, 403);
    assert.equal(none.json().code, 'invite_required');
    const wrong = await trySignUp(closed, { inviteCode: 'ZZZZZ-ZZZZZ' });
    assert.equal(wrong.statusCode, 403);
    assert.equal(wrong.json().code, 'invite_invalid');

    // Typed in lower case, without the dash: the same code.
    const admitted = await trySignUp(closed, { inviteCode: code.replace('-', '').toLowerCase() });
    assert.equal(admitted.statusCode, 201, admitted.body);
    const newcomer = admitted.json().user.id;
    const again = await trySignUp(closed, { inviteCode: code });
    assert.equal(again.statusCode, 403);
    assert.equal(again.json().code, 'invite_invalid');

    const [item] = (await call(open, 'GET', '/v1/me/invite-codes', inviter.token)).json().items;
    assert.equal(item.usedBy, newcomer);
    assert.ok(Date.parse(item.usedAt) > 0);
  });

  it('sign-ups racing for one code: exactly one account, no 5xx', async () => {
    const inviter = await member();
    const code = await newCode(inviter.token);
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => trySignUp(closed, { inviteCode: code })),
    );
    const statuses = replies.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [201, 403, 403, 403, 403, 403, 403, 403, 403, 403], JSON.stringify(statuses));
    const rows = await open.db.database.db
      .selectFrom('invite_codes')
      .select('used_by')
      .where('owner_id', '=', inviter.id)
      .execute();
    assert.equal(rows[0]?.used_by, replies.find((r) => r.statusCode === 201)!.json().user.id);
  });

  it('a bad code is refused before the address is looked at (no enumeration)', async () => {
    const taken = freshEmail('taken');
    assert.equal((await trySignUp(open, {}, taken)).statusCode, 201);
    const forTaken = await trySignUp(closed, { inviteCode: 'ZZZZZ-ZZZZZ' }, taken);
    const forFree = await trySignUp(closed, { inviteCode: 'ZZZZZ-ZZZZZ' });
    assert.equal(forTaken.statusCode, forFree.statusCode);
    const { instance: _a, requestId: _b, ...taken_ } = forTaken.json() as Record<string, unknown>;
    const { instance: _c, requestId: _d, ...free_ } = forFree.json() as Record<string, unknown>;
    assert.deepEqual(taken_, free_);
  });

  it('a new phone number needs an invite too; a known number signs in without one', async () => {
    const inviter = await member();
    const code = await newCode(inviter.token);
    const phone = `+49151${String(Date.now()).slice(-8)}`;
    const seen = new Set<unknown>();
    const smsCode = async () => {
      const message = await sms.waitFor((m) => m.to === phone && !seen.has(m));
      seen.add(message);
      return /\b(\d{6})\b/.exec(message.body)![1]!;
    };
    const attempt = async (extra: Record<string, string>) => {
      const sent = await post(closed, '/v1/phone/otp', { phone });
      assert.equal(sent.statusCode, 202, sent.body);
      return post(closed, '/v1/phone/otp/verify', {
        phone,
        oti: sent.json().oti,
        code: await smsCode(),
        ...extra,
      });
    };
    const refused = await attempt({});
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().code, 'invite_required');
    clock.advance(61_000); // past the per-number send cooldown
    const admitted = await attempt({ inviteCode: code });
    assert.equal(admitted.statusCode, 200, admitted.body);
    assert.equal(admitted.json().created, true);
    clock.advance(61_000);
    const known = await attempt({});
    assert.equal(known.statusCode, 200, known.body);
    assert.equal(known.json().created, false);
    assert.equal(known.json().user.id, admitted.json().user.id);
  });

  it('referral codes: one per user, sign-ups that name it are counted; unknown codes are 422', async () => {
    const referrer = await member();
    const first = await call(open, 'GET', '/v1/me/referrals', referrer.token);
    assert.equal(first.statusCode, 200);
    assert.equal(first.json().referredCount, 0);
    const { code } = first.json();
    assert.equal((await call(open, 'GET', '/v1/me/referrals', referrer.token)).json().code, code, 'stable');
    assert.equal((await trySignUp(open, { referralCode: code })).statusCode, 201);
    assert.equal((await trySignUp(open, { referralCode: code.toLowerCase() })).statusCode, 201);
    const unknown = await trySignUp(open, { referralCode: 'ZZZZ-ZZZZ' });
    assert.equal(unknown.statusCode, 422);
    assert.equal(unknown.json().errors[0].path, 'referralCode');
    assert.equal((await call(open, 'GET', '/v1/me/referrals', referrer.token)).json().referredCount, 2);
  });

  it('every route needs a signed-in user', async () => {
    for (const [method, url] of [
      ['GET', '/v1/me/invite-codes'],
      ['POST', '/v1/me/invite-codes'],
      ['GET', '/v1/me/referrals'],
    ] as const) {
      assert.equal((await request(open, method, url)).statusCode, 401, url);
    }
  });
});

// With verification required (the default) a sign-up reply never carries
// tokens, so nothing in it or in the inviter's list may tell a taken address
// from a new one; the codes are read from real mail.
describe(`invites and referrals with verification required (${testDialect})`, () => {
  // `flow` is invite-only; `open` (same database, same mail server) lets anyone sign up.
  let flow: Flow;
  let open: TestApp;
  before(async () => {
    flow = await startFlow({ env: { ROSTER_INVITE_ONLY: 'true', ROSTER_INVITE_QUOTA: '5' } });
    open = await buildTestApp({ db: flow.t.db, env: { SMTP_URL: flow.smtp.url } });
  });
  after(async () => {
    await open.close();
    await flow.close();
  });

  const openSignUp = (body: Record<string, string>) => post(open, '/v1/accounts', body);
  const verify = async (email: string, password?: string) => {
    const mail = await flow.takeMail(email, SUBJECT.verify);
    const res = await flow.call('POST', '/v1/accounts/verify-email', {
      body: { email, code: codeOf(mail), ...(password ? { password } : {}) },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  };
  /** A verified account made on the open node, signed in. */
  async function member(): Promise<{ email: string; id: string; token: string }> {
    const { email, id } = await verifiedAccount(open, {
      label: 'member',
      password: PASSWORD,
      verify: (account) => verify(account.email, account.password),
    });
    return { email, id, token: (await flow.login(email, PASSWORD)).accessToken };
  }
  const codes = async (token: string): Promise<Json[]> => {
    const res = await flow.call('GET', '/v1/me/invite-codes', { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.items;
  };
  /** A reply with what differs between any two sign-ups (ids, address, times) neutralised. */
  const neutral = (body: Json) => ({
    ...body,
    user: { ...body.user, id: 0, email: 0, createdAt: 0, updatedAt: 0 },
  });

  it('a code spent on a taken address looks like one that made an account, until that one verifies', async () => {
    const inviter = await member();
    const taken = await member();
    const [forTaken, forNew] = await Promise.all([
      flow.call('POST', '/v1/me/invite-codes', { token: inviter.token }),
      flow.call('POST', '/v1/me/invite-codes', { token: inviter.token }),
    ]);
    assert.equal(forTaken.status, 201);
    assert.equal(forNew.status, 201);
    const takenCode = forTaken.body.code as string;
    const newCode = forNew.body.code as string;

    const newEmail = freshEmail('invited');
    const replyTaken = await flow.call('POST', '/v1/accounts', {
      body: { email: taken.email, password: 'another invite passphrase', inviteCode: takenCode },
    });
    const replyNew = await flow.call('POST', '/v1/accounts', {
      body: { email: newEmail, password: PASSWORD, inviteCode: newCode },
    });
    assert.equal(replyTaken.status, 201, JSON.stringify(replyTaken.body));
    assert.equal(replyNew.status, 201, JSON.stringify(replyNew.body));
    assert.equal('session' in replyNew.body, false, 'no tokens while verification is required');
    assert.deepEqual(neutral(replyTaken.body), neutral(replyNew.body));
    assert.notEqual(replyTaken.body.user.id, taken.id, 'the reply never names the real account');

    // Both codes are spent: neither admits anyone else.
    for (const code of [takenCode, newCode]) {
      const again = await flow.call('POST', '/v1/accounts', {
        body: { email: freshEmail('late'), password: PASSWORD, inviteCode: code },
      });
      assertProblem(again, 403, 'invite_invalid');
    }

    // The inviter sees both the same way: used, by nobody named yet.
    const before = await codes(inviter.token);
    assert.equal(before.length, 2);
    for (const item of before) {
      assert.ok(Date.parse(item.usedAt) > 0, JSON.stringify(item));
      assert.equal(item.usedBy, null, JSON.stringify(item));
    }

    await verify(newEmail);
    const newId = replyNew.body.user.id as string;
    const after = new Map((await codes(inviter.token)).map((c: Json) => [c.code, c]));
    assert.equal(after.get(newCode)?.usedBy, newId, 'named once it has verified');
    assert.equal(after.get(takenCode)?.usedBy, null);
    assert.ok(Date.parse(after.get(takenCode)?.usedAt) > 0);
  });

  it('referrals count once the referred account verifies; a taken address changes nothing', async () => {
    const referrer = await member();
    const taken = await member();
    const first = await flow.call('GET', '/v1/me/referrals', { token: referrer.token });
    assert.equal(first.status, 200);
    assert.equal(first.body.referredCount, 0);
    const referralCode = first.body.code as string;
    const count = async () =>
      (await flow.call('GET', '/v1/me/referrals', { token: referrer.token })).body.referredCount;

    const newEmail = freshEmail('referred');
    const fresh = await openSignUp({ email: newEmail, password: PASSWORD, referralCode });
    const dup = await openSignUp({
      email: taken.email,
      password: 'another referral passphrase',
      referralCode,
    });
    assert.equal(fresh.statusCode, 201, fresh.body);
    assert.equal(dup.statusCode, 201, dup.body);
    assert.deepEqual(neutral(dup.json()), neutral(fresh.json()));
    assert.equal(await count(), 0, 'an unverified sign-up is not counted');

    const rows = await flow.t.db.database.db
      .selectFrom('referrals')
      .select('referred_id')
      .where('referrer_id', '=', referrer.id)
      .execute();
    assert.deepEqual(
      rows.map((r) => r.referred_id),
      [fresh.json().user.id],
      'the taken address recorded nothing',
    );

    await verify(newEmail);
    assert.equal(await count(), 1);
  });
});
