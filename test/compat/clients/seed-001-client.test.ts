// Seed 001's promise, "a client written from the document works unchanged":
// Seed001Client (written only from the Profile API reference) against a real
// Roster listening on a port, on this process's dialect. The document types
// every 200 only as "object", so these tests hold the server to that and to
// what a reader infers from the request schemas: the profile names its
// fields as UpdateProfileRequest does, absent fields are kept and null ones
// cleared. The 422 is checked against HTTPValidationError and ValidationError.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { testDialect } from '../../helpers/dialect.ts';
import { account, session } from '../../helpers/factories.ts';
import { type Flow, SUBJECT, startFlow } from '../../helpers/flow.ts';
import { type ProfileObject, type Reply, Seed001Client, type ValidationError } from './seed-001-client.ts';

const FIELDS = ['first_name', 'last_name', 'display_name', 'phone', 'locale', 'timezone'] as const;
const UPDATE = {
  first_name: 'Ada',
  last_name: 'Lovelace',
  display_name: 'Countess of Lovelace',
  phone: '+14155552671',
  locale: 'en-GB',
  timezone: 'Europe/London',
};

/** A 200 whose body is a JSON object ("application/json → object"); returns it. */
function objectOf(res: Reply): ProfileObject {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.match(String(res.headers.get('content-type')), /^application\/json/);
  assert.ok(res.body !== null && typeof res.body === 'object' && !Array.isArray(res.body), 'an object');
  return res.body as ProfileObject;
}

/** A 422 HTTPValidationError: `detail`, each item exactly ValidationError's loc, msg and type. */
function validationOf(res: Reply): ValidationError[] {
  assert.equal(res.status, 422, JSON.stringify(res.body));
  assert.match(String(res.headers.get('content-type')), /^application\/json/);
  const body = res.body as { detail?: ValidationError[] };
  assert.deepEqual(Object.keys(body), ['detail']);
  assert.ok(Array.isArray(body.detail) && body.detail.length > 0);
  for (const item of body.detail) {
    assert.deepEqual(Object.keys(item).sort(), ['loc', 'msg', 'type']);
    assert.ok(Array.isArray(item.loc));
    assert.ok(
      item.loc.every((p) => typeof p === 'string' || Number.isInteger(p)),
      JSON.stringify(item.loc),
    );
    assert.equal(typeof item.msg, 'string');
    assert.equal(typeof item.type, 'string');
  }
  return body.detail;
}

/** The UpdateProfileRequest fields as a profile object shows them. */
const fieldsOf = (profile: ProfileObject) => Object.fromEntries(FIELDS.map((f) => [f, profile[f]]));

describe(`seed 001 document client (${testDialect})`, () => {
  let flow: Flow;
  let baseUrl: string;
  before(async () => {
    flow = await startFlow({ env: { ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', ROSTER_COMPAT: '001' } });
    await flow.t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(flow.t.app.server.address() as AddressInfo).port}`;
  });
  after(() => flow.close());

  /** A signed-in user and a client holding its Bearer JWT (the token comes from Roster's sign-in). */
  async function signedIn() {
    const user = await account(flow.t);
    assert.equal(user.token.split('.').length, 3, 'a JWT');
    return { user, client: new Seed001Client(baseUrl, user.token) };
  }

  it('GET /api/v1/me answers an object with every UpdateProfileRequest field', async () => {
    const { client } = await signedIn();
    const profile = objectOf(await client.getProfile());
    for (const f of FIELDS) assert.ok(f in profile, `the profile has ${f}`);
  });

  it('PATCH /api/v1/me with every field answers an object; GET shows the values', async () => {
    const { client } = await signedIn();
    assert.deepEqual(fieldsOf(objectOf(await client.updateProfile(UPDATE))), UPDATE);
    assert.deepEqual(fieldsOf(objectOf(await client.getProfile())), UPDATE);
  });

  it('PATCH /api/v1/me: an absent field is kept, a null one is cleared', async () => {
    const { client } = await signedIn();
    objectOf(await client.updateProfile(UPDATE));
    objectOf(await client.updateProfile({ display_name: null, phone: null, timezone: null }));
    assert.deepEqual(fieldsOf(objectOf(await client.getProfile())), {
      ...UPDATE,
      display_name: null,
      phone: null,
      timezone: null,
    });
    objectOf(await client.updateProfile({ first_name: null, last_name: null, locale: null }));
    assert.deepEqual(
      fieldsOf(objectOf(await client.getProfile())),
      Object.fromEntries(FIELDS.map((f) => [f, null])),
    );
  });

  it('PATCH /api/v1/me with a field of the wrong type is a 422 HTTPValidationError naming it', async () => {
    const { client } = await signedIn();
    const items = validationOf(await client.updateProfile({ first_name: 42 as unknown as string }));
    assert.ok(
      items.some((i) => i.loc.includes('first_name')),
      JSON.stringify(items),
    );
  });

  it('POST /api/v1/me/password changes the password: the new one signs in, the old one no longer', async () => {
    const { user, client } = await signedIn();
    const next = 'a brand new passphrase 7';
    objectOf(await client.changePassword({ current_password: user.password, new_password: next }));
    await session(flow.t, user.email, next);
    await assert.rejects(session(flow.t, user.email, user.password));
  });

  it('POST /api/v1/me/password without new_password is a 422 naming it', async () => {
    const { user, client } = await signedIn();
    const body = { current_password: user.password } as { current_password: string; new_password: string };
    const items = validationOf(await client.changePassword(body));
    assert.ok(
      items.some((i) => i.loc.includes('new_password')),
      JSON.stringify(items),
    );
  });

  it('POST /api/v1/me/verify-email sends the verification mail to an unverified address', async () => {
    const { user, client } = await signedIn();
    // An address not verified yet (as a changed one is): set in the database,
    // since no route of this document unverifies an address.
    await flow.t.db.database.db
      .updateTable('users')
      .set({ email_verified_at: null })
      .where('id', '=', user.id)
      .execute();
    objectOf(await client.requestEmailVerification());
    await flow.takeMail(user.email, SUBJECT.verify);
  });

  it('every endpoint refuses a call without the Bearer JWT', async () => {
    const client = new Seed001Client(baseUrl);
    for (const res of [
      await client.getProfile(),
      await client.updateProfile({ first_name: 'X' }),
      await client.changePassword({ current_password: 'a', new_password: 'b' }),
      await client.requestEmailVerification(),
    ])
      assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${JSON.stringify(res.body)}`);
  });
});
