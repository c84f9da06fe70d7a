// Token signing keys: generated once, stored encrypted, rotated without
// invalidating the tokens older keys signed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { createAccessTokens } from '../../src/modules/sessions/access-token.ts';
import { createKeyStore, SigningKeyError } from '../../src/modules/sessions/signing-keys.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createEncrypter } from '../../src/platform/crypto/encryption.ts';
import { TEST_SECRET } from '../helpers/build-test-app.ts';
import { testDialect } from '../helpers/dialect.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

describe(`signing keys (${testDialect})`, () => {
  let t: TestDatabase;
  const clock = new ManualClock('2026-06-01T00:00:00Z');
  before(async () => {
    t = await createTestDatabase();
  });
  after(() => t.drop());

  const TOKEN_LIFETIME_MS = 15 * 60_000;
  const store = async () => {
    const keys = createKeyStore({
      db: t.database.db,
      encrypter: createEncrypter([TEST_SECRET]),
      clock,
      tokenLifetimeMs: TOKEN_LIFETIME_MS,
    });
    await keys.start();
    return keys;
  };

  it('generates one key on first use and stores the private half encrypted', async () => {
    const jwks = (await store()).jwks();
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0]!.crv, 'Ed25519');
    assert.equal('d' in jwks.keys[0]!, false, 'the JWKS never carries the private key');
    const row = await t.database.db.selectFrom('signing_keys').selectAll().executeTakeFirstOrThrow();
    assert.match(row.private_key, /^v1\./);
    assert.doesNotMatch(row.private_key, /"d"/);
    assert.equal((await store()).jwks().keys.length, 1, 'a second node reuses the key');
  });

  it('a different ROSTER_SECRET cannot load the private key', async () => {
    const other = createKeyStore({
      db: t.database.db,
      encrypter: createEncrypter(['another-secret-0123456789-abcdefghij']),
      clock,
      tokenLifetimeMs: TOKEN_LIFETIME_MS,
    });
    await assert.rejects(other.start(), (error: Error) => {
      assert.ok(error instanceof SigningKeyError);
      assert.match(error.message, /cannot be decrypted with ROSTER_SECRET/);
      return true;
    });
  });

  it('rotation: new tokens use the new key, tokens of the old key still verify', async () => {
    const keys = await store();
    const tokens = createAccessTokens({ keys, clock, issuer: 'http://roster.test' });
    const before = await tokens.sign({ sub: 'u1', sid: 's1', scope: 'user' });
    const oldKid = decodeProtectedHeader(before.token).kid;
    const newKid = await keys.rotate();
    assert.notEqual(newKid, oldKid);
    const afterRotation = await tokens.sign({ sub: 'u1', sid: 's1', scope: 'user' });
    assert.equal(decodeProtectedHeader(afterRotation.token).kid, newKid);
    // A fresh store (another node) verifies both.
    const verifier = createAccessTokens({ keys: await store(), clock, issuer: 'http://roster.test' });
    assert.equal((await verifier.verify(before.token))?.sub, 'u1');
    assert.equal((await verifier.verify(afterRotation.token))?.sub, 'u1');
    assert.deepEqual(
      (await store())
        .jwks()
        .keys.map((k) => k.kid)
        .sort(),
      [oldKid, newKid].sort(),
    );
  });
});
