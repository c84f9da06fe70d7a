// The OAuth client registry: exact redirect URIs only (no wildcard, no
// fragment, https or loopback http or a reverse-domain private scheme), the
// scopes Roster grants, a secret shown once and stored as a digest, rotation
// that ends the old secret, public clients without one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOAuthClients, type OAuthClients } from '../../src/modules/oauth/index.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { sha256 } from '../../src/platform/crypto/tokens.ts';
import { DomainError } from '../../src/platform/domain-error.ts';
import { testDialect } from '../helpers/dialect.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

describe(`OAuth client registry (${testDialect})`, () => {
  let t: TestDatabase;
  let clients: OAuthClients;
  const clock = new ManualClock(new Date('2026-12-01T10:00:00.000Z'));
  before(async () => {
    t = await createTestDatabase();
    clients = createOAuthClients({ db: t.database.db, clock });
  });
  after(() => t.drop());

  const refusal = async (work: Promise<unknown>) => {
    const error = await work.then(
      () => assert.fail('expected a refusal'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof DomainError, String(error));
    return error;
  };

  it('a confidential client: the secret is returned once, stored as its digest, and verified', async () => {
    const { client, secret } = await clients.create({
      name: ' Partner app ',
      redirectUris: ['https://app.example.com/Callback/', 'com.example.app:/oauth'],
      scopes: ['openid', 'delegated:profile:read', 'openid'],
    });
    assert.ok(secret?.startsWith('rcs_'));
    assert.ok(client.clientId.startsWith('rc_'));
    assert.deepEqual(
      { ...client, clientId: undefined },
      {
        clientId: undefined,
        name: 'Partner app',
        public: false,
        redirectUris: ['https://app.example.com/Callback/', 'com.example.app:/oauth'],
        postLogoutRedirectUris: [],
        scopes: ['openid', 'delegated:profile:read'],
        firstParty: false,
        createdAt: '2026-12-01T10:00:00.000Z',
        updatedAt: '2026-12-01T10:00:00.000Z',
      },
    );
    const row = await t.database.db
      .selectFrom('oauth_clients')
      .select('secret_hash')
      .where('id', '=', client.clientId)
      .executeTakeFirstOrThrow();
    assert.equal(row.secret_hash, sha256(secret!));
    assert.equal(await clients.verifySecret(client.clientId, secret!), true);
    assert.equal(await clients.verifySecret(client.clientId, `${secret}x`), false);
    assert.equal(await clients.verifySecret('rc_unknown', secret!), false);
    assert.deepEqual(await clients.show(client.clientId), client);
  });

  it('rotation: a new secret, the old one refused at once', async () => {
    const { client, secret } = await clients.create({
      name: 'Rotating',
      redirectUris: ['https://r.example/cb'],
    });
    clock.advance(60_000);
    const rotated = await clients.rotateSecret(client.clientId);
    assert.notEqual(rotated.secret, secret);
    assert.equal(rotated.client.updatedAt, '2026-12-01T10:01:00.000Z');
    assert.equal(await clients.verifySecret(client.clientId, secret!), false);
    assert.equal(await clients.verifySecret(client.clientId, rotated.secret), true);
    assert.equal((await refusal(clients.rotateSecret('rc_unknown'))).code, 'not_found');
  });

  it('a public client has no secret, and none to rotate', async () => {
    const { client, secret } = await clients.create({
      name: 'Browser app',
      redirectUris: ['http://127.0.0.1:5173/cb', 'http://localhost/cb', 'http://[::1]:8080/cb'],
      public: true,
      firstParty: true,
    });
    assert.equal(secret, null);
    assert.deepEqual([client.public, client.firstParty], [true, true]);
    assert.equal(await clients.verifySecret(client.clientId, ''), false);
    assert.equal((await refusal(clients.rotateSecret(client.clientId))).code, 'conflict');
  });

  it('refuses redirect URIs that cannot be compared exactly or are unsafe, and unknown scopes; nothing is stored', async () => {
    const before = (await clients.list()).length;
    const bad = [
      'https://*.example.com/cb',
      'https://app.example.com/cb*',
      'https://app.example.com/cb#frag',
      'https://user:pw@app.example.com/cb',
      'http://app.example.com/cb',
      'http://127.0.0.1.example.com/cb',
      '/relative/cb',
      'javascript:alert(1)',
      'myapp:/cb',
      'https://app.example.com/a b',
      '',
    ];
    for (const uri of bad) {
      const error = await refusal(clients.create({ name: 'Bad', redirectUris: [uri] }));
      assert.equal(error.code, 'validation_failed', uri);
      assert.deepEqual(
        error.errors?.map((e) => e.path),
        ['redirectUris.0'],
        uri,
      );
    }
    const several = await refusal(
      clients.create({
        name: '',
        redirectUris: [],
        postLogoutRedirectUris: ['https://ok.example/out', 'https://ok.example/out'],
        scopes: ['openid', 'admin:everything'],
      }),
    );
    assert.deepEqual(
      several.errors?.map((e) => e.path),
      ['name', 'redirectUris', 'postLogoutRedirectUris', 'scopes'],
    );
    assert.equal((await clients.list()).length, before);
  });

  it('lists in creation order and deletes', async () => {
    const { client } = await clients.create({ name: 'Doomed', redirectUris: ['https://d.example/cb'] });
    assert.ok((await clients.list()).some((c) => c.clientId === client.clientId));
    assert.equal(await clients.delete(client.clientId), true);
    assert.equal(await clients.delete(client.clientId), false);
    assert.equal(await clients.show(client.clientId), null);
  });
});
