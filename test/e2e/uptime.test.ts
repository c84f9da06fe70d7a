// A server that has been up a while: the clock moves past every interval the
// code has (the signing-key reload, the session cache, rate-limit windows,
// code and mfaToken expiry), with the periodic work those intervals start,
// and then every flow still answers. Before the key reload ran off the request
// path, the first sign-in after five minutes hung SQLite for good.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { ACCESS_TOKEN_TTL_SECONDS } from '../../src/modules/sessions/access-token.ts';
import { createKeyStore, KEY_RELOAD_MS } from '../../src/modules/sessions/signing-keys.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createEncrypter } from '../../src/platform/crypto/encryption.ts';
import { totpCodeAt } from '../../src/platform/crypto/totp.ts';
import { testDialect } from '../helpers/dialect.ts';
import {
  type Account,
  assertProblem,
  assertTokens,
  type Flow,
  freshEmail,
  freshPassword,
  freshUsername,
  startFlow,
} from '../helpers/flow.ts';

const clock = new ManualClock(new Date());
const MINUTE = 60_000;
/** Every interval in the code, shortest first, each passed by a little. */
const INTERVALS_MS = [
  10_000 + 1, // session cache, refresh-reuse grace
  30_000 + 1, // SMS cooldown, a TOTP step
  KEY_RELOAD_MS + 1, // signing-key reload, mfaToken and SMS code lifetime
  15 * MINUTE + 1, // access tokens, reset codes, login burst windows
  60 * MINUTE + 1, // hourly rate windows, the longest lockout
  24 * 60 * MINUTE + 1, // daily failure counts, verification links
];

describe(`a server up for a day (${testDialect})`, () => {
  let flow: Flow;
  before(async () => {
    flow = await startFlow({ clock });
  });
  after(() => flow.close());

  const signIn = (a: Account) =>
    flow.call('POST', '/v1/sessions', { body: { identifier: a.email, password: a.password } });
  const otherNode = () =>
    createKeyStore({
      db: flow.t.db.database.db,
      encrypter: createEncrypter(flow.t.config.secrets),
      clock,
      tokenLifetimeMs: ACCESS_TOKEN_TTL_SECONDS * 1000,
    });

  it('signs up, signs in, refreshes, completes MFA and rotates keys after every interval', async () => {
    const plain = await flow.verifiedAccount();
    const first = await flow.login(plain.email, plain.password);
    const withMfa = await flow.verifiedAccount();
    const { accessToken: mfaToken } = await flow.login(withMfa.email, withMfa.password);
    const setup = await flow.call('POST', '/v1/me/mfa/totp', { token: mfaToken });
    assert.equal(setup.status, 200, JSON.stringify(setup.body));
    const secret = setup.body.secret as string;
    const activated = await flow.call('POST', '/v1/me/mfa/totp/activate', {
      token: mfaToken,
      body: { code: totpCodeAt(secret, clock.now()), currentPassword: withMfa.password },
    });
    assert.equal(activated.status, 200, JSON.stringify(activated.body));

    let refreshToken = first.refreshToken;
    for (const ms of INTERVALS_MS) {
      await clock.tick(ms);
      // A sign-in right after the interval: this is the request that hung.
      const tokens = await flow.login(plain.email, plain.password);
      assert.equal((await flow.call('GET', '/v1/me', { token: tokens.accessToken })).status, 200);
      const refreshed = await flow.call('POST', '/v1/sessions/refresh', { body: { refreshToken } });
      assert.equal(refreshed.status, 200, `refresh after ${ms} ms: ${JSON.stringify(refreshed.body)}`);
      assertTokens(refreshed.body);
      refreshToken = refreshed.body.refreshToken;

      const challenge = await signIn(withMfa);
      assert.equal(challenge.body.mfaRequired, true);
      await clock.tick(30_000); // a fresh TOTP step
      const done = await flow.call('POST', '/v1/sessions/mfa', {
        body: { mfaToken: challenge.body.mfaToken, method: 'totp', code: totpCodeAt(secret, clock.now()) },
      });
      assert.equal(done.status, 200, `MFA after ${ms} ms: ${JSON.stringify(done.body)}`);

      const fresh = await flow.verifiedAccount();
      await flow.login(fresh.email, fresh.password);
      assert.equal((await flow.call('GET', '/readyz')).status, 200);
      assert.equal((await flow.call('GET', '/.well-known/jwks.json')).status, 200);
    }
    // The first access token outlived its 15 minutes.
    assertProblem(await flow.call('GET', '/v1/me', { token: first.accessToken }), 401, 'invalid_token');
  });

  it('learns of a rotation made elsewhere at its next reload, and retires the old key in time', async () => {
    const account = await flow.verifiedAccount();
    const before = await flow.login(account.email, account.password);
    const oldKid = decodeProtectedHeader(before.accessToken).kid;
    const elsewhere = otherNode();
    await elsewhere.start();
    elsewhere.stop();
    const newKid = await elsewhere.rotate();

    // Until its reload this node still signs with the old key, which still verifies.
    const stale = await flow.login(account.email, account.password);
    assert.equal(decodeProtectedHeader(stale.accessToken).kid, oldKid);
    await clock.tick(KEY_RELOAD_MS + 5_000);
    const afterReload = await flow.login(account.email, account.password);
    assert.equal(decodeProtectedHeader(afterReload.accessToken).kid, newKid);
    assert.equal((await flow.call('GET', '/v1/me', { token: stale.accessToken })).status, 200);
    const published = async () =>
      ((await flow.call('GET', '/.well-known/jwks.json')).body.keys as { kid: string }[]).map((k) => k.kid);
    assert.ok((await published()).includes(oldKid!));

    // A retired key verifies for the token lifetime plus one reload interval, then no more.
    await clock.tick(ACCESS_TOKEN_TTL_SECONDS * 1000 + 1_000);
    assert.ok(!(await published()).includes(oldKid!), 'the retired key left the JWKS');
    assert.ok((await published()).includes(newKid));
    const latest = await flow.login(account.email, account.password);
    assert.equal((await flow.call('GET', '/v1/me', { token: latest.accessToken })).status, 200);
  });

  it('purges unverified sign-ups once ROSTER_UNVERIFIED_TTL (7 days) has passed, by its hourly task', async () => {
    const username = freshUsername();
    const { reply } = await flow.signUp(freshEmail('unverified'), freshPassword(), { username });
    const id = reply.body.user.id as string;
    const held = await flow.call('POST', '/v1/accounts', {
      body: { email: freshEmail('other'), password: freshPassword(), username },
    });
    assertProblem(held, 409, 'username_taken');
    const exists = async () =>
      (await flow.t.db.database.db.selectFrom('users').select('id').where('id', '=', id).execute()).length;
    await clock.tick(6 * 24 * 60 * MINUTE);
    assert.equal(await exists(), 1, 'kept before the TTL');
    await clock.tick(24 * 60 * MINUTE + 60 * MINUTE + 1);
    assert.equal(await exists(), 0, 'purged after it');
    const free = await flow.call('POST', '/v1/accounts', {
      body: { email: freshEmail('taker'), password: freshPassword(), username },
    });
    assert.equal(free.status, 201, JSON.stringify(free.body));
  });
});
