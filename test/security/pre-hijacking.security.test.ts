// Account pre-hijacking: someone signs up first with the victim's address and
// a password of their own, hoping the victim later verifies that account.
// A sign-up for an address nobody has verified replaces the pending account.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { codeOf, type Flow, freshEmail, linkOf, startFlow } from '../e2e/flow-support.ts';
import { testDialect } from '../helpers/dialect.ts';

describe(`pre-hijacking (${testDialect})`, () => {
  let flow: Flow;
  before(async () => {
    flow = await startFlow();
  });
  after(() => flow.close());

  it('the owner who verifies gets their own password; the squatter’s stops working', async () => {
    const email = freshEmail('victim');
    const squatter = await flow.signUp(email, 'squatter passphrase 1', { username: 'squatter_name' });
    const owner = await flow.signUp(email, 'owner passphrase 2', { username: 'squatter_name' });
    assert.notEqual(owner.reply.body.user.id, squatter.reply.body.user.id);
    // The squatter's mail (code and link) is dead; the owner's works.
    const dead = await flow.call('POST', '/v1/accounts/verify-email', {
      body: { token: linkOf(squatter.mail, '/verify-email').token },
    });
    assert.equal(dead.status, 422);
    const verified = await flow.call('POST', '/v1/accounts/verify-email', {
      body: { email, code: codeOf(owner.mail) },
    });
    assert.equal(verified.status, 200);
    assert.equal(verified.body.user.id, owner.reply.body.user.id);
    await flow.login(email, 'owner passphrase 2');
    const squatterLogin = await flow.call('POST', '/v1/sessions', {
      body: { identifier: email, password: 'squatter passphrase 1' },
    });
    assert.equal(squatterLogin.status, 401);
    const rows = await flow.t.db.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .execute();
    assert.equal(rows.length, 1);
  });

  it('a verified account is never replaced', async () => {
    const email = freshEmail('owner');
    const first = await flow.signUp(email, 'first owner passphrase');
    await flow.call('POST', '/v1/accounts/verify-email', { body: { email, code: codeOf(first.mail) } });
    const again = await flow.call('POST', '/v1/accounts', {
      body: { email, password: 'intruder passphrase 9' },
    });
    assert.equal(again.status, 201);
    assert.equal((await flow.login(email, 'first owner passphrase')).user.id, first.reply.body.user.id);
    const intruder = await flow.call('POST', '/v1/sessions', {
      body: { identifier: email, password: 'intruder passphrase 9' },
    });
    assert.equal(intruder.status, 401);
  });
});
