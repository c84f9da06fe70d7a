// `roster client …`: registers OAuth clients, prints a confidential client's
// secret once (never again in show or list), rotates and deletes; a bad
// redirect URI is refused with the field it concerns.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testDialect } from '../helpers/dialect.ts';
import { cleanEnv, MAIN } from '../helpers/spawn-server.ts';
import { createPostgresDatabase } from '../helpers/test-database.ts';

describe(`client CLI (${testDialect})`, () => {
  const cwd = mkdtempSync(join(tmpdir(), 'roster-client-cli-'));
  let env: Record<string, string> = {};
  let dropDatabase: (() => Promise<void>) | undefined;
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [MAIN, 'client', ...args], { cwd, env: cleanEnv(env), encoding: 'utf8' });

  before(async () => {
    if (testDialect === 'postgres') {
      const pg = await createPostgresDatabase();
      dropDatabase = pg.drop;
      env = { DATABASE_URL: pg.url };
    }
  });
  after(() => dropDatabase?.());

  it('creates, shows, lists, rotates and deletes; the secret only at creation and rotation', () => {
    const created = cli(
      'create',
      '--name',
      'Partner',
      '--redirect-uri',
      'https://partner.example/cb',
      '--post-logout-redirect-uri',
      'https://partner.example/bye',
      '--scope',
      'openid',
      '--scope',
      'delegated:profile:read',
      '--json',
    );
    assert.equal(created.status, 0, created.stderr);
    const client = JSON.parse(created.stdout);
    assert.match(client.clientSecret, /^rcs_/);
    assert.deepEqual(client.scopes, ['openid', 'delegated:profile:read']);
    assert.deepEqual(client.postLogoutRedirectUris, ['https://partner.example/bye']);

    const shown = cli('show', client.clientId, '--json');
    assert.equal(shown.status, 0, shown.stderr);
    assert.equal(JSON.parse(shown.stdout).clientSecret, undefined);
    assert.ok(!shown.stdout.includes(client.clientSecret));
    const human = cli('show', client.clientId);
    assert.match(human.stdout, /^client id: rc_/m);
    assert.match(human.stdout, /^type: confidential$/m);

    const listed = cli('list', '--json');
    assert.deepEqual(
      JSON.parse(listed.stdout).map((c: { clientId: string }) => c.clientId),
      [client.clientId],
    );
    assert.ok(!listed.stdout.includes(client.clientSecret));

    const rotated = cli('rotate-secret', client.clientId, '--json');
    assert.equal(rotated.status, 0, rotated.stderr);
    const secret = JSON.parse(rotated.stdout).clientSecret;
    assert.match(secret, /^rcs_/);
    assert.notEqual(secret, client.clientSecret);

    assert.equal(cli('delete', client.clientId).stdout.trim(), 'deleted');
    const gone = cli('show', client.clientId);
    assert.equal(gone.status, 1);
    assert.match(gone.stderr, /not_found: No such client/);
  });

  it('a public client prints no secret; a wildcard redirect URI is refused with its field', () => {
    const pub = cli('create', '--name', 'SPA', '--redirect-uri', 'http://localhost:5173/cb', '--public');
    assert.equal(pub.status, 0, pub.stderr);
    assert.match(pub.stdout, /^type: public$/m);
    assert.doesNotMatch(pub.stdout, /client secret/);

    const bad = cli('create', '--name', 'Bad', '--redirect-uri', 'https://*.example.com/cb');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /validation_failed/);
    assert.match(bad.stderr, /redirectUris\.0: must not hold a wildcard/);
    const usage = cli('create', '--name', 'No URI');
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /--redirect-uri/);
  });
});
