// An anonymous caller cannot learn whether an address has an account: login,
// forgotten password, resend and sign-up answer alike (status, body, headers)
// and do the same expensive work either way.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { assertProblem, login, post, type Reply } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { countUsers, freshEmail, STRONG_PASSWORD, signUp, verifiedAccount } from '../helpers/factories.ts';
import { cheapHasher, countingHasher } from '../helpers/hashers.ts';

const WRONG = 'not the password at all';
const HEADERS = [
  'content-type',
  'content-length',
  'cache-control',
  'www-authenticate',
  'retry-after',
  'set-cookie',
  'location',
];

/** What a caller can compare between two replies: status, body without requestId, chosen headers. */
function observable(res: Reply) {
  const body = res.body === '' ? '' : (res.json() as Record<string, unknown>);
  if (typeof body === 'object') delete body.requestId;
  return {
    status: res.statusCode,
    body,
    headers: Object.fromEntries(HEADERS.map((h) => [h, res.headers[h] ?? null])),
  };
}

/** The shape of a value: keys and types, recursively. */
function shape(value: unknown): unknown {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.map(shape);
  if (typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shape(v)]),
    );
  return typeof value;
}

describe(`account enumeration (${testDialect})`, () => {
  const hasher = countingHasher(cheapHasher());
  let t: TestApp;

  before(async () => {
    t = await buildTestApp({ overrides: { hasher }, env: { ROSTER_RATE_LIMIT_IP_FACTOR: '0' } });
  });
  after(() => t.close());

  it('login with a wrong password: a verified, an unverified and an unknown account answer alike', async () => {
    const verified = freshEmail('verified');
    await verifiedAccount(t, { email: verified });
    const unverified = freshEmail('unverified');
    await signUp(t, { email: unverified });

    const replies = [
      await login(t, verified, WRONG),
      await login(t, unverified, WRONG),
      await login(t, freshEmail('nobody'), WRONG),
      await login(t, 'no_such_username', WRONG),
    ];
    assertProblem(replies[0]!, 401, 'invalid_credentials');
    for (const res of replies.slice(1)) assert.deepEqual(observable(res), observable(replies[0]!));
  });

  it('an unknown account costs exactly one argon2 verification, like a wrong password', async () => {
    const email = freshEmail('work');
    await verifiedAccount(t, { email });
    await login(t, freshEmail('warm-up'), WRONG); // the dummy hash is made once, on first use

    hasher.resetCalls();
    await login(t, email, WRONG);
    assert.deepEqual(hasher.calls, { hash: 0, verify: 1, verifyDummy: 0 });

    hasher.resetCalls();
    await login(t, freshEmail('unknown'), WRONG);
    assert.deepEqual(hasher.calls, { hash: 0, verify: 0, verifyDummy: 1 });

    hasher.resetCalls();
    await login(t, 'unknown_username', WRONG);
    assert.deepEqual(hasher.calls, { hash: 0, verify: 0, verifyDummy: 1 });
  });

  it('forgotten password: 202 without a body either way', async () => {
    const known = freshEmail('forgot');
    await verifiedAccount(t, { email: known });
    const a = await post(t, '/v1/password/forgot', { email: known });
    const b = await post(t, '/v1/password/forgot', { email: freshEmail('forgot-nobody') });
    assert.equal(a.statusCode, 202);
    assert.equal(a.body, '');
    assert.deepEqual(observable(b), observable(a));
  });

  it('resend verification: 202 for a verified, an unverified and an unknown address', async () => {
    const verified = freshEmail('resend-v');
    await verifiedAccount(t, { email: verified });
    const unverified = freshEmail('resend-u');
    await signUp(t, { email: unverified });
    const replies = await Promise.all(
      [verified, unverified, freshEmail('resend-nobody')].map((email) =>
        post(t, '/v1/accounts/verify-email/resend', { email }),
      ),
    );
    assert.equal(replies[0]!.statusCode, 202);
    for (const res of replies) assert.deepEqual(observable(res), observable(replies[0]!));
  });

  it('sign-up with a taken address: the same 201 as a new one, after the same hashing', async () => {
    const taken = freshEmail('taken');
    const { id: ownerId } = await verifiedAccount(t, { email: taken });

    hasher.resetCalls();
    const fresh = await post(t, '/v1/accounts', { email: freshEmail('new'), password: STRONG_PASSWORD });
    const freshCalls = { ...hasher.calls };
    hasher.resetCalls();
    const dup = await post(t, '/v1/accounts', {
      email: taken.toUpperCase(),
      password: 'another fine passphrase',
    });
    assert.deepEqual(hasher.calls, freshCalls, 'equal work');

    assert.equal(fresh.statusCode, 201);
    assert.equal(dup.statusCode, 201);
    const [f, d] = [fresh.json(), dup.json()] as { user: Record<string, unknown> }[];
    assert.deepEqual(shape(d), shape(f));
    const neutral = (u: Record<string, unknown>) => ({ ...u, id: 0, email: 0, createdAt: 0, updatedAt: 0 });
    assert.deepEqual(neutral(d!.user), neutral(f!.user));
    assert.deepEqual({ ...d, user: 0 }, { ...f, user: 0 });
    assert.notEqual(d!.user.id, ownerId, 'the reply never names the real account');
    assert.equal(d!.user.emailVerified, false, 'nor tells that it is verified');
    assert.deepEqual(
      Object.keys(dup.headers)
        .filter((h) => HEADERS.includes(h) && h !== 'content-length')
        .sort(),
      Object.keys(fresh.headers)
        .filter((h) => HEADERS.includes(h) && h !== 'content-length')
        .sort(),
    );

    // Nothing of the existing account changed: one row, the old password still works.
    assert.equal(await countUsers(t, taken), 1);
    assert.equal((await login(t, taken, STRONG_PASSWORD)).statusCode, 200);
    assertProblem(await login(t, taken, 'another fine passphrase'), 401, 'invalid_credentials');
  });

  it('a lockout reached through a (public) username does not reveal which email belongs to that account', {}, async () => {
    const email = freshEmail('linked');
    const username = `linked_${Date.now().toString(36)}`;
    await signUp(t, { email, username });
    await verifiedAccount(t, { email: freshEmail('unrelated') });
    for (let i = 0; i < 10; i++) await login(t, username, WRONG);
    // Probing addresses now: the account's own address must answer like any other one.
    const own = await login(t, email, WRONG);
    const other = await login(t, freshEmail('unrelated-probe'), WRONG);
    assert.deepEqual(observable(own), observable(other));
  });

  it('password reset with wrong codes answers alike for an existing and an unknown address', {}, async () => {
    const known = freshEmail('reset-known');
    await verifiedAccount(t, { email: known });
    const unknown = freshEmail('reset-unknown');
    for (const email of [known, unknown])
      assert.equal((await post(t, '/v1/password/forgot', { email })).statusCode, 202);
    for (let attempt = 1; attempt <= 6; attempt++) {
      const guess = { code: '000000', newPassword: 'a brand new passphrase' };
      const a = await post(t, '/v1/password/reset', { email: known, ...guess });
      const b = await post(t, '/v1/password/reset', { email: unknown, ...guess });
      assert.deepEqual(observable(a), observable(b), `attempt ${attempt}`);
    }
  });
});
