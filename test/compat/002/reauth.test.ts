// Turning on 2FA through seed 002 takes a code alone, so it is allowed only
// within ROSTER_REAUTH_MAX_AGE of the session's sign-in (API.md): later the
// surface refuses it in its own shape, asking for a new sign-in, and nothing
// is turned on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../../src/platform/clock.ts';
import { request } from '../../helpers/client.ts';
import { testDialect } from '../../helpers/dialect.ts';
import { codeOf, type Flow, freshEmail, startFlow } from '../../helpers/flow.ts';
import { CREATE_SAMPLE, dataOf, ok, refused, sessionCookieOf, withCookie } from './seed-002.ts';

describe(`seed 002 enable-2fa after the sign-in window (${testDialect})`, () => {
  const clock = new ManualClock(new Date());
  let flow: Flow;
  before(async () => {
    flow = await startFlow({ clock, env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' } });
  });
  after(() => flow.close());

  it('refuses the code 5 minutes after the sign-in (403), turning nothing on; a new sign-in may', async () => {
    const user = {
      ...CREATE_SAMPLE,
      phoneCountryCode: '+1',
      phone: '4155552671',
      email: freshEmail('reauth'),
    };
    ok(await request(flow.t, 'POST', '/user/create', { body: user }));
    const login = () =>
      request(flow.t, 'POST', '/user/login', { body: { email: user.email, password: user.password } });
    const first = await login();
    const cookie = sessionCookieOf(first)!.value;
    ok(await request(flow.t, 'POST', '/user/enable-2fa', { headers: withCookie(cookie) }));
    const code = codeOf(await flow.takeMail(user.email, /security code/));
    clock.advance(301_000);
    refused(
      await request(flow.t, 'POST', '/user/enable-2fa', { headers: withCookie(cookie), body: { code } }),
      403,
    );
    // Still off: the login needs no second factor.
    const again = await login();
    assert.equal(dataOf(again)['2faEnabled'], false);
    const fresh = sessionCookieOf(again)!.value;
    const on = dataOf(
      await request(flow.t, 'POST', '/user/enable-2fa', { headers: withCookie(fresh), body: { code } }),
    );
    assert.equal(on.recoveryCodes.length, 10);
    assert.equal(dataOf(await login())['2faEnabled'], true);
  });
});
