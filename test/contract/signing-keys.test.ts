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

  it('the provider gets an RSA key beside Ed25519, made once, rotated with the rest', async () => {
    const keys = await store();
    const first = await keys.providerKeys();
    const rsa = first.keys.filter((k) => k.kty === 'RSA');
    assert.equal(rsa.length, 1);
    assert.equal(rsa[0]!.alg, 'RS256');
    assert.ok(rsa[0]!.d, 'the provider holds private keys');
    assert.ok(first.keys.some((k) => k.crv === 'Ed25519' && k.d));
    assert.ok(
      keys.jwks().keys.every((k) => k.kty === 'OKP' && !('d' in k)),
      'the access-token document holds the Ed25519 keys only, without private parts',
    );
    assert.equal((await (await store()).providerKeys()).version, first.version, 'another node reuses it');
    // Access tokens stay Ed25519: an RSA kid never verifies one.
    const tokens = createAccessTokens({ keys, clock, issuer: 'http://roster.test' });
    const signed = await tokens.sign({ sub: 'u1', sid: 's1', scope: 'user' });
    assert.notEqual(decodeProtectedHeader(signed.token).kid, rsa[0]!.kid);

    await keys.rotate();
    const rotated = await keys.providerKeys();
    assert.notEqual(rotated.version, first.version);
    const active = rotated.keys
      .slice(0, 2)
      .map((k) => k.alg)
      .sort();
    assert.deepEqual(active, ['EdDSA', 'RS256'], 'the new keys sign first');
    assert.ok(
      rotated.keys.some((k) => k.kid === rsa[0]!.kid),
      'the retired RSA key still verifies',
    );
    clock.advance(TOKEN_LIFETIME_MS + 6 * 60_000);
    await keys.reload();
    const later = await keys.providerKeys();
    assert.ok(!later.keys.some((k) => k.kid === rsa[0]!.kid), 'and then no more');
  });
});
