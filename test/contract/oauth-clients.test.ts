// The OAuth client registry: exact redirect URIs only (no wildcard, no
// fragment, https or loopback http or a reverse-domain private scheme), the
// scopes Roster grants, a secret shown once and stored as a digest, rotation
// that ends the old secret, public clients without one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOAuthClients } from '../../src/modules/oauth/index.ts';
import { CLI_PRINCIPAL, userPrincipal } from '../../src/platform/auth/principal.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { sha256 } from '../../src/platform/crypto/tokens.ts';
import { DomainError } from '../../src/platform/domain-error.ts';
import { newId } from '../../src/platform/ids.ts';
import { SYSTEM_CONTEXT } from '../../src/platform/request-context.ts';
import { testDialect } from '../helpers/dialect.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts';

describe(`OAuth client registry (${testDialect})`, () => {
  let t: TestDatabase;
  let registry: ReturnType<typeof createOAuthClients>;
  const clock = new ManualClock(new Date('2026-12-01T10:00:00.000Z'));
  // The operator's view of the registry (the CLI's principal and context).
  const clients = {
    create: (input: Parameters<typeof registry.create>[1]) =>
      registry.create(CLI_PRINCIPAL, input, SYSTEM_CONTEXT),
    list: () => registry.list(CLI_PRINCIPAL),
    show: (id: string) => registry.show(CLI_PRINCIPAL, id),
    rotateSecret: (id: string) => registry.rotateSecret(CLI_PRINCIPAL, id, SYSTEM_CONTEXT),
    delete: (id: string) => registry.delete(CLI_PRINCIPAL, id, SYSTEM_CONTEXT),
    verifySecret: (id: string, secret: string) => registry.verifySecret(id, secret),
  };
  before(async () => {
    t = await createTestDatabase();
    registry = createOAuthClients({ db: t.database.db, clock, endGrants: async () => 0 });
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
    await clients.delete(client.clientId);
    assert.equal((await refusal(clients.delete(client.clientId))).code, 'not_found');
    assert.equal((await refusal(clients.show(client.clientId))).code, 'not_found');
  });

  it('staff only: an admin may manage clients, a user may not; each change is audited', async () => {
    const person = async (role: 'user' | 'admin') => {
      const id = newId();
      const now = clock.now().toISOString();
      await t.database.db
        .insertInto('users')
        .values({
          id,
          email: `${id}@example.com`,
          email_verified_at: now,
          role,
          created_at: now,
          updated_at: now,
        })
        .execute();
      return userPrincipal({ userId: id, sessionId: newId(), scope: 'user', authTime: now, amr: ['pwd'] });
    };
    const admin = await person('admin');
    const user = await person('user');
    const input = { name: 'Staff made', redirectUris: ['https://s.example/cb'] };
    assert.equal((await refusal(registry.create(user, input, SYSTEM_CONTEXT))).code, 'forbidden');
    assert.equal((await refusal(registry.list(user))).code, 'forbidden');
    const { client } = await registry.create(admin, input, SYSTEM_CONTEXT);
    assert.equal((await refusal(registry.delete(user, client.clientId, SYSTEM_CONTEXT))).code, 'forbidden');
    await registry.rotateSecret(admin, client.clientId, SYSTEM_CONTEXT);
    await registry.delete(admin, client.clientId, SYSTEM_CONTEXT);
    const events = await t.database.db
      .selectFrom('audit_events')
      .select(['type', 'detail'])
      .where('type', '=', 'oauth.client_changed')
      .execute();
    const mine = events
      .map((e) => (typeof e.detail === 'string' ? JSON.parse(e.detail) : e.detail))
      .filter((d) => d.clientId === client.clientId);
    assert.deepEqual(
      mine.map((d) => [d.action, d.by, d.actorId]),
      [
        ['created', 'user', admin.userId],
        ['secret_rotated', 'user', admin.userId],
        ['deleted', 'user', admin.userId],
      ],
    );
  });
});
