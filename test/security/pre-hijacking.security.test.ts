// Account pre-hijacking: a sign-up with someone else's address, hoping its
// owner verifies an account whose password the squatter chose. Two sign-ups
// for one unverified address: whatever the order, neither password survives.
// The owner clicking the link of a sign-up they never made: the password of
// that sign-up does not survive either. Either way the mailbox owner sets one
// through "forgot password".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialect } from '../helpers/dialect.ts';
import { codeOf, type Flow, freshEmail, freshUsername, linkOf, SUBJECT, startFlow } from '../helpers/flow.ts';
import { accountsOf } from '../helpers/second-identity.ts';

describe(`pre-hijacking (${testDialect})`, () => {
  let flow: Flow;
  before(async () => {
    flow = await startFlow();
  });
  after(() => flow.close());

  const login = (identifier: string, password: string) =>
    flow.call('POST', '/v1/sessions', { body: { identifier, password } });

  /** The owner recovers through their inbox: forgot password, then the code. */
  async function ownerTakesOver(email: string, password: string): Promise<void> {
    assert.equal((await flow.call('POST', '/v1/password/forgot', { body: { email } })).status, 202);
    const code = codeOf(await flow.takeMail(email, SUBJECT.reset));
    const reset = await flow.call('POST', '/v1/password/reset', {
      body: { email, code, newPassword: password },
    });
    assert.equal(reset.status, 204);
  }

  for (const order of ['squatter first', 'owner first'] as const) {
    it(`${order}: no earlier password survives; the mailbox owner ends up in control`, async () => {
      const email = freshEmail(order.replace(' ', '-'));
      const [first, second] =
        order === 'squatter first'
          ? ['squatter pass 1', 'owner pass 22']
          : ['owner pass 22', 'squatter pass 1'];
      const firstSignUp = await flow.signUp(email, first);
      const secondReply = await flow.call('POST', '/v1/accounts', { body: { email, password: second } });
      assert.equal(secondReply.status, 201, 'the same reply as a new sign-up');
      assert.equal(secondReply.body.verificationRequired, true);
      await flow.takeMail(email, SUBJECT.signupAttempt);

      // The first verification mail is dead, and no password signs in.
      const stale = await flow.call('POST', '/v1/accounts/verify-email', {
        body: { email, code: codeOf(firstSignUp.mail) },
      });
      assert.equal(stale.status, 422);
      for (const password of [first, second]) assert.equal((await login(email, password)).status, 401);

      await ownerTakesOver(email, 'owner final passphrase');
      const signedIn = await flow.login(email, 'owner final passphrase');
      assert.equal(signedIn.user.emailVerified, true);
      assert.equal(signedIn.user.id, firstSignUp.reply.body.user.id, 'still the one account');
      assert.equal((await login(email, 'squatter pass 1')).status, 401);
      const rows = await flow.t.db.database.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .execute();
      assert.equal(rows.length, 1);
    });
  }

  it("the owner clicks the verification link of the squatter's sign-up: the squatter's password is dead", async () => {
    const email = freshEmail('clicked');
    const username = freshUsername();
    const squatter = await flow.signUp(email, 'squatter pass 1', { username });
    const { token } = linkOf(squatter.mail, '/verify-email');

    const verified = await flow.call('POST', '/v1/accounts/verify-email', { body: { token } });
    assert.equal(verified.status, 200);
    assert.equal(verified.body.user.emailVerified, true);
    for (const identifier of [email, username])
      assert.equal((await login(identifier, 'squatter pass 1')).status, 401, identifier);

    await ownerTakesOver(email, 'owner final passphrase');
    const signedIn = await flow.login(email, 'owner final passphrase');
    assert.equal(signedIn.user.id, squatter.reply.body.user.id, 'still the one account');
    for (const identifier of [email, username])
      assert.equal((await login(identifier, 'squatter pass 1')).status, 401, identifier);
  });

  it("the owner types the code of the squatter's sign-up: the squatter's password is dead too", async () => {
    const email = freshEmail('typed');
    const squatter = await flow.signUp(email, 'squatter pass 1');
    const verified = await flow.call('POST', '/v1/accounts/verify-email', {
      body: { email, code: codeOf(squatter.mail) },
    });
    assert.equal(verified.status, 200);
    assert.equal((await login(email, 'squatter pass 1')).status, 401);
    await ownerTakesOver(email, 'owner final passphrase');
    assert.equal((await flow.login(email, 'owner final passphrase')).user.id, squatter.reply.body.user.id);
  });

  it('the link keeps the password chosen at sign-up when that password comes with it', async () => {
    const email = freshEmail('own-link');
    const { reply, mail } = await flow.signUp(email, 'my own pass 77');
    const { token } = linkOf(mail, '/verify-email');
    const accounts = accountsOf(flow);
    const context = { ip: '127.0.0.1', userAgent: 'roster-e2e' };
    // A wrong one changes nothing: the link still works.
    await assert.rejects(accounts.verifyEmail({ token, password: 'not my pass 77' }, context), {
      code: 'invalid_password',
    });
    const user = await accounts.verifyEmail({ token, password: 'my own pass 77' }, context);
    assert.equal(user.id, reply.body.user.id);
    assert.equal((await flow.login(email, 'my own pass 77')).user.emailVerified, true);
  });

  it('a verified account is never touched by a later sign-up', async () => {
    const email = freshEmail('owner');
    const first = await flow.signUp(email, 'first owner passphrase');
    await flow.call('POST', '/v1/accounts/verify-email', {
      body: { email, code: codeOf(first.mail), password: 'first owner passphrase' },
    });
    const again = await flow.call('POST', '/v1/accounts', {
      body: { email, password: 'intruder passphrase 9' },
    });
    assert.equal(again.status, 201);
    assert.equal((await flow.login(email, 'first owner passphrase')).user.id, first.reply.body.user.id);
    assert.equal((await login(email, 'intruder passphrase 9')).status, 401);
  });
});
