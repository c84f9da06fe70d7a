// End to end over HTTP with a real SMTP server: sign-up, email verification
// (code, link, resend), duplicate sign-up, sign-in, the current user, account
// deletion, and the public keys that verify access tokens.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { testDialect } from '../helpers/dialect.ts';
import {
  assertProblem,
  codeOf,
  type Flow,
  freshEmail,
  freshPassword,
  freshUsername,
  linkOf,
  PUBLIC_URL,
  SUBJECT,
  startFlow,
} from '../helpers/flow.ts';
import { productionHasher } from '../helpers/hashers.ts';

let flow: Flow;

describe(`identity flows over HTTP (${testDialect})`, () => {
  before(async () => {
    // Production argon2id parameters here: the whole flow with the real hashing cost.
    flow = await startFlow({ overrides: { hasher: productionHasher() } });
  });
  after(() => flow.close());

  it('sign-up → verification mail → verify with the code → sign in by email and username → /v1/me', async () => {
    const { call, login } = flow;
    const local = `Ada.${randomUUID()}`;
    const email = `${local.toLowerCase()}@example.com`;
    const username = freshUsername();
    const password = freshPassword();

    const signUp = await call('POST', '/v1/accounts', {
      body: { email: `  ${local}@Example.COM `, password, username: ` ${username.toUpperCase()} ` },
    });
    assert.equal(signUp.status, 201);
    assert.deepEqual(Object.keys(signUp.body).sort(), ['user', 'verificationRequired']);
    assert.equal(signUp.body.verificationRequired, true);
    const user = signUp.body.user;
    assert.equal(user.email, email, 'trimmed and lower-cased');
    assert.equal(user.username, username);
    assert.equal(user.emailVerified, false);
    assert.equal(user.role, 'user');
    assert.doesNotMatch(JSON.stringify(signUp.body), /argon|\$argon2|password/i);

    const mail = await flow.takeMail(email, SUBJECT.verify);
    assert.deepEqual(mail.envelopeTo, [email]);
    const code = codeOf(mail);
    assert.match(code, /^\d{6}$/);
    assert.ok(mail.html.includes(code), 'the HTML part shows the code too');
    const link = linkOf(mail, '/verify-email');
    assert.equal(link.url.origin, PUBLIC_URL);

    // Before verification even the right password answers as a wrong one: a
    // 403 would tell an address signed up just now from a taken one.
    const early = await call('POST', '/v1/sessions', { body: { identifier: email, password } });
    assertProblem(early, 401, 'invalid_credentials');
    const wrong = await call('POST', '/v1/sessions', {
      body: { identifier: email, password: `${password}x` },
    });
    assertProblem(wrong, 401, 'invalid_credentials');
    const byName = await call('POST', '/v1/sessions', { body: { identifier: username, password } });
    assertProblem(byName, 401, 'invalid_credentials');

    const verified = await call('POST', '/v1/accounts/verify-email', {
      body: { email: ` ${email.toUpperCase()} `, code, password },
    });
    assert.equal(verified.status, 200);
    assert.equal(verified.body.user.id, user.id);
    assert.equal(verified.body.user.emailVerified, true);

    const again = await call('POST', '/v1/accounts/verify-email', { body: { email, code } });
    assertProblem(again, 422, 'invalid_code');
    const viaLink = await call('POST', '/v1/accounts/verify-email', { body: { token: link.token } });
    assertProblem(viaLink, 422, 'invalid_link');

    const first = await login(`  ${email.toUpperCase()}`, password);
    assert.equal(first.user.id, user.id);
    assert.equal(first.user.emailVerified, true);
    const second = await login(username.toUpperCase(), password);
    assert.equal(second.user.id, user.id);
    assert.notEqual(second.sessionId, first.sessionId);
    assert.notEqual(second.refreshToken, first.refreshToken);

    const me = await call('GET', '/v1/me', { token: first.accessToken });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, user.id);
    assert.equal(me.body.email, email);
    assert.equal(me.body.username, username);
    assert.equal(me.body.emailVerified, true);
    assert.equal(me.body.createdAt, user.createdAt);
    // Username (10) and the verified address (10), stored for the directory's filter as well.
    assert.equal(me.body.profileCompleteness, 20);
    const listed = await call('GET', `/v1/users?q=${username}&completenessMin=20`, {
      token: first.accessToken,
    });
    assert.deepEqual(
      listed.body.items.map((u: { id: string }) => u.id),
      [user.id],
    );

    const anonymous = await call('GET', '/v1/me');
    assertProblem(anonymous, 401, 'unauthenticated');
    assert.equal(anonymous.headers['www-authenticate'], 'Bearer');
    const garbage = await call('GET', '/v1/me', { token: 'not.a.jwt' });
    assertProblem(garbage, 401, 'invalid_token');
  });

  it('verifies with the link token once; the code of the same mail is then spent too', async () => {
    const { call } = flow;
    const email = freshEmail();
    const password = freshPassword();
    const { reply, mail } = await flow.signUp(email, password);
    const { token } = linkOf(mail, '/verify-email');

    // With the link, the password chosen at sign-up is kept only when sent along.
    const verified = await call('POST', '/v1/accounts/verify-email', { body: { token, password } });
    assert.equal(verified.status, 200);
    assert.equal(verified.body.user.id, reply.body.user.id);
    assert.equal(verified.body.user.emailVerified, true);

    assertProblem(await call('POST', '/v1/accounts/verify-email', { body: { token } }), 422, 'invalid_link');
    assertProblem(
      await call('POST', '/v1/accounts/verify-email', { body: { email, code: codeOf(mail) } }),
      422,
      'invalid_code',
    );
    // Neither both proofs nor none.
    const both = await call('POST', '/v1/accounts/verify-email', {
      body: { email, code: codeOf(mail), token },
    });
    assertProblem(both, 422, 'validation_failed');
    assertProblem(await call('POST', '/v1/accounts/verify-email', { body: {} }), 422, 'validation_failed');

    // A verified address asking for a new mail gets the same 202 and no mail.
    const resend = await call('POST', '/v1/accounts/verify-email/resend', { body: { email } });
    assert.equal(resend.status, 202);
    assert.equal(resend.body, '');
    assert.equal((await flow.login(email, password)).user.id, reply.body.user.id);
    assert.equal(flow.mailsTo(email).filter((m) => SUBJECT.verify.test(m.subject)).length, 1);
  });

  it('resend: 202 for known and unknown addresses, 429 with Retry-After within a minute, only the newest code counts', async () => {
    const { call } = flow;
    const email = freshEmail();
    const unknown = freshEmail('nobody');
    const { reply, mail: firstMail } = await flow.signUp(email, freshPassword());

    const known = await call('POST', '/v1/accounts/verify-email/resend', { body: { email } });
    const stranger = await call('POST', '/v1/accounts/verify-email/resend', { body: { email: unknown } });
    assert.equal(known.status, 202);
    assert.equal(stranger.status, 202);
    assert.equal(known.body, stranger.body);

    const secondMail = await flow.takeMail(email, SUBJECT.verify);
    assert.notEqual(codeOf(secondMail), codeOf(firstMail));

    for (const address of [email, unknown.toUpperCase()]) {
      const limited = await call('POST', '/v1/accounts/verify-email/resend', { body: { email: address } });
      assertProblem(limited, 429, 'rate_limited');
      // A sliding-window counter with limit 1 frees the next slot within one to two windows.
      const retryAfter = Number(limited.headers['retry-after']);
      assert.ok(
        Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 120,
        `Retry-After ${retryAfter}`,
      );
    }

    // The first mail's code and link were retired by the resend.
    const oldLink = linkOf(firstMail, '/verify-email').token;
    assertProblem(
      await call('POST', '/v1/accounts/verify-email', { body: { token: oldLink } }),
      422,
      'invalid_link',
    );
    if (codeOf(firstMail) !== codeOf(secondMail)) {
      assertProblem(
        await call('POST', '/v1/accounts/verify-email', { body: { email, code: codeOf(firstMail) } }),
        422,
        'invalid_code',
      );
    }
    const verified = await call('POST', '/v1/accounts/verify-email', {
      body: { email, code: codeOf(secondMail) },
    });
    assert.equal(verified.status, 200);
    assert.equal(verified.body.user.id, reply.body.user.id);
    assert.equal(verified.body.user.emailVerified, true);

    assert.equal(flow.mailsTo(unknown).length, 0, 'an unknown address gets no mail');
    assert.equal(flow.mailsTo(email).length, 2);
  });

  it('duplicate sign-up: the same reply as a new one, a notice to the owner, the account unchanged', async () => {
    const { call } = flow;
    const owner = await flow.verifiedAccount();
    const session = await flow.login(owner.email, owner.password);

    // A fresh sign-up's reply, to compare shapes with.
    const fresh = await call('POST', '/v1/accounts', {
      body: { email: freshEmail(), password: freshPassword() },
    });
    const otherPassword = freshPassword();
    const dup = await call('POST', '/v1/accounts', {
      body: { email: ` ${owner.email.toUpperCase()} `, password: otherPassword, firstName: 'Mallory' },
    });
    assert.equal(dup.status, fresh.status);
    assert.equal(dup.status, 201);
    assert.deepEqual(Object.keys(dup.body).sort(), Object.keys(fresh.body).sort());
    assert.deepEqual(Object.keys(dup.body.user).sort(), Object.keys(fresh.body.user).sort());
    assert.equal(dup.body.verificationRequired, true);
    assert.equal(dup.body.user.email, owner.email);
    assert.equal(dup.body.user.emailVerified, false);
    assert.equal(dup.body.user.name.first, 'Mallory');
    assert.notEqual(dup.body.user.id, owner.id, 'the existing id is not revealed');

    const notice = await flow.takeMail(owner.email, SUBJECT.signupAttempt);
    assert.match(notice.text, /already have one/);
    assert.ok(notice.text.includes(`${PUBLIC_URL}/forgot-password`));
    assert.deepEqual(
      flow.mailsTo(owner.email).map((m) => m.subject),
      ['Verify your email address for Roster', 'Someone tried to sign up for Roster with your address'],
      'no new verification mail for the existing account',
    );

    // Nothing changed: the old password still works, the new one does not, same user.
    const again = await flow.login(owner.email, owner.password);
    assert.equal(again.user.id, owner.id);
    assert.equal(again.user.name.first, null);
    assertProblem(
      await call('POST', '/v1/sessions', { body: { identifier: owner.email, password: otherPassword } }),
      401,
      'invalid_credentials',
    );
    const me = await call('GET', '/v1/me', { token: session.accessToken });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, owner.id);
    assert.equal(me.body.emailVerified, true);
    assert.equal(me.body.name.first, null);

    // Repeated attempts get the same reply, but the owner's mailbox is not flooded.
    for (let i = 0; i < 3; i++) {
      const more = await call('POST', '/v1/accounts', {
        body: { email: owner.email, password: freshPassword() },
      });
      assert.equal(more.status, 201);
      assert.deepEqual(Object.keys(more.body.user).sort(), Object.keys(fresh.body.user).sort());
    }
    // A later mail to the owner marks the point by which the notices have been sent.
    assert.equal((await call('POST', '/v1/password/forgot', { body: { email: owner.email } })).status, 202);
    await flow.takeMail(owner.email, SUBJECT.reset);
    const notices = flow.mailsTo(owner.email).filter((m) => SUBJECT.signupAttempt.test(m.subject));
    assert.equal(notices.length, 3, 'at most three notices an hour');
  });

  it('deleting the account: password re-checked, tokens dead, sign-in refused, the address can sign up again', async () => {
    const { call } = flow;
    const account = await flow.verifiedAccount({ username: true });
    const a = await flow.login(account.email, account.password);
    const b = await flow.login(account.username!, account.password);

    const wrong = await call('DELETE', '/v1/me', {
      token: a.accessToken,
      body: { password: 'not-my-password' },
    });
    assertProblem(wrong, 403, 'invalid_password');
    assert.equal((await call('GET', '/v1/me', { token: a.accessToken })).status, 200, 'nothing happened');

    const deleted = await call('DELETE', '/v1/me', {
      token: a.accessToken,
      body: { password: account.password },
    });
    assert.equal(deleted.status, 204);
    assert.equal(deleted.body, '');

    for (const tokens of [a, b]) {
      assertProblem(await call('GET', '/v1/me', { token: tokens.accessToken }), 401, 'invalid_token');
      assertProblem(
        await call('POST', '/v1/sessions/refresh', { body: { refreshToken: tokens.refreshToken } }),
        401,
        'invalid_refresh_token',
      );
    }
    for (const identifier of [account.email, account.username!]) {
      assertProblem(
        await call('POST', '/v1/sessions', { body: { identifier, password: account.password } }),
        401,
        'invalid_credentials',
      );
    }
    const notice = await flow.takeMail(account.email, SUBJECT.deleted);
    assert.match(notice.text, /have been deleted/);
    // Erased codes and address: a password reset for the address sends nothing.
    assert.equal((await call('POST', '/v1/password/forgot', { body: { email: account.email } })).status, 202);

    // The address (and username) are free again: a new account with a new id.
    const password = freshPassword();
    const { reply, mail } = await flow.signUp(account.email, password, { username: account.username });
    const newId = reply.body.user.id;
    assert.notEqual(newId, account.id);
    assert.equal(reply.body.user.emailVerified, false);
    const verified = await call('POST', '/v1/accounts/verify-email', {
      body: { email: account.email, code: codeOf(mail), password },
    });
    assert.equal(verified.status, 200);
    assert.equal(verified.body.user.id, newId);
    const fresh = await flow.login(account.username!, password);
    assert.equal(fresh.user.id, newId);
    assertProblem(
      await call('POST', '/v1/sessions', { body: { identifier: account.email, password: account.password } }),
      401,
      'invalid_credentials',
    );
    assert.equal(
      flow.mailsTo(account.email).filter((m) => SUBJECT.reset.test(m.subject)).length,
      0,
      'no reset mail for an erased account',
    );
  });

  it('serves an Ed25519 JWKS whose key verifies the access tokens', async () => {
    const { call } = flow;
    const account = await flow.verifiedAccount();
    const tokens = await flow.login(account.email, account.password);

    const res = await call('GET', '/.well-known/jwks.json');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const jwks = res.body as { keys: Record<string, string>[] };
    assert.ok(jwks.keys.length >= 1);
    for (const key of jwks.keys) {
      assert.equal(key.kty, 'OKP');
      assert.equal(key.crv, 'Ed25519');
      assert.equal(key.alg, 'EdDSA');
      assert.equal(key.use, 'sig');
      assert.equal(key.d, undefined, 'never the private half');
    }
    const header = decodeProtectedHeader(tokens.accessToken);
    assert.equal(header.alg, 'EdDSA');
    assert.equal(header.typ, 'at+jwt');
    assert.ok(
      jwks.keys.some((k) => k.kid === header.kid),
      'the token names a published key',
    );

    const { payload } = await jwtVerify(tokens.accessToken, createLocalJWKSet(res.body), {
      issuer: PUBLIC_URL,
      audience: PUBLIC_URL,
      typ: 'at+jwt',
      algorithms: ['EdDSA'],
    });
    assert.equal(payload.sub, account.id);
    assert.equal(payload.sid, tokens.sessionId);
    assert.equal(payload.scope, 'user');
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), tokens.expiresIn);

    // A token with one changed signature byte does not verify against the same set.
    const [h, p, s] = tokens.accessToken.split('.') as [string, string, string];
    const tampered = `${h}.${p}.${s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`}`;
    await assert.rejects(jwtVerify(tampered, createLocalJWKSet(res.body)));
    assertProblem(await call('GET', '/v1/me', { token: tampered }), 401, 'invalid_token');
  });
});
