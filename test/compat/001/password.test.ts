// Seed 001's POST /api/v1/me/password with ChangePasswordRequest: the native
// password rules (current password under the sign-in lockout, the policy on
// the new one) and its effects (other sessions end, a notice is mailed).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { login, request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { account, session } from '../../helpers/factories.ts';
import { type Flow, SUBJECT, startFlow } from '../../helpers/flow.ts';
import { locs, messageOf, profileOf, refusal, unauthorized, validationItems } from './seed-001.ts';

const NEW_PASSWORD = 'a brand new passphrase 7';

describe(`seed 001 POST /api/v1/me/password (${testDialect})`, () => {
  let flow: Flow;
  before(async () => {
    flow = await startFlow({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => flow.close());

  const change = (token: string, body: unknown) =>
    request(flow.t, 'POST', '/api/v1/me/password', { token, body });

  it('changes the password with the current one: 200, other sessions end, this one stays, a notice is mailed', async () => {
    const user = await account(flow.t);
    const other = await session(flow.t, user.email, user.password);
    const res = await change(user.token, { current_password: user.password, new_password: NEW_PASSWORD });
    assert.equal(messageOf(res), 'Password changed successfully');
    profileOf(await request(flow.t, 'GET', '/api/v1/me', { token: user.token }));
    unauthorized(
      await request(flow.t, 'GET', '/api/v1/me', { token: other.accessToken }),
      'Could not validate credentials',
    );
    assert.equal((await login(flow.t, user.email, user.password)).statusCode, 401, 'the old one is gone');
    await session(flow.t, user.email, NEW_PASSWORD);
    await flow.takeMail(user.email, SUBJECT.passwordChanged);
  });

  it('a wrong current password is a 400 and changes nothing', async () => {
    const user = await account(flow.t);
    const res = await change(user.token, {
      current_password: 'not the password',
      new_password: NEW_PASSWORD,
    });
    assert.equal(refusal(res, 400), 'The current password is incorrect');
    await session(flow.t, user.email, user.password);
    assert.equal((await login(flow.t, user.email, NEW_PASSWORD)).statusCode, 401);
  });

  it('a new password outside the policy is a 422 on body.new_password, changing nothing', async () => {
    const user = await account(flow.t, { label: 'kettle' });
    const weak = ['short', 'password1', user.email, 'x'.repeat(129)];
    for (const new_password of weak) {
      const items = validationItems(
        await change(user.token, { current_password: user.password, new_password }),
      );
      assert.deepEqual([...new Set(locs(items))], ['body.new_password'], new_password);
      assert.ok(items.every((i) => i.type === 'value_error' && i.msg.startsWith('Value error, ')));
      assert.ok(!JSON.stringify(items).includes(user.password), 'no password is echoed');
    }
    await session(flow.t, user.email, user.password);
  });

  it('refuses a body that is not ChangePasswordRequest, as FastAPI does', async () => {
    const user = await account(flow.t);
    const cases: [unknown, string[], string[]][] = [
      [{}, ['body.current_password', 'body.new_password'], ['missing', 'missing']],
      [{ current_password: user.password }, ['body.new_password'], ['missing']],
      [
        { current_password: null, new_password: 5 },
        ['body.current_password', 'body.new_password'],
        ['string_type', 'string_type'],
      ],
      [{ current_password: '', new_password: NEW_PASSWORD }, ['body.current_password'], ['string_too_short']],
      [
        { current_password: user.password, new_password: 'x'.repeat(513) },
        ['body.new_password'],
        ['string_too_long'],
      ],
      [[user.password, NEW_PASSWORD], ['body'], ['model_attributes_type']],
    ];
    for (const [body, where, types] of cases) {
      const items = validationItems(await change(user.token, body));
      assert.deepEqual(locs(items), where, JSON.stringify(body));
      assert.deepEqual(
        items.map((i) => i.type),
        types,
      );
    }
    assert.deepEqual(validationItems(await change(user.token, undefined)), [
      { loc: ['body'], msg: 'Field required', type: 'missing' },
    ]);
    // Unknown fields are ignored.
    const ok = await change(user.token, {
      current_password: user.password,
      new_password: NEW_PASSWORD,
      confirm_password: 'anything',
    });
    assert.equal(messageOf(ok), 'Password changed successfully');
  });
});
