// `roster user …` against the same database as a running server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testDialect } from '../helpers/dialect.ts';
import { cleanEnv, MAIN, type SpawnedServer, spawnServer } from '../helpers/spawn-server.ts';
import { createPostgresDatabase } from '../helpers/test-database.ts';

const PASSWORD = 'a long operator passphrase';

describe(`user CLI while the server runs (${testDialect})`, () => {
  const cwd = mkdtempSync(join(tmpdir(), 'roster-cli-'));
  let env: Record<string, string> = {};
  let server: SpawnedServer;
  let dropDatabase: (() => Promise<void>) | undefined;

  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [MAIN, 'user', ...args], { cwd, env: cleanEnv(env), encoding: 'utf8' });
  const login = (identifier: string, password = PASSWORD) =>
    fetch(`${server.url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier, password }),
    });

  before(async () => {
    if (testDialect === 'postgres') {
      const pg = await createPostgresDatabase();
      dropDatabase = pg.drop;
      env = { DATABASE_URL: pg.url };
    }
    server = await spawnServer({ cwd, env });
  });
  after(async () => {
    server.process.kill('SIGTERM');
    await server.exited();
    await dropDatabase?.();
  });

  it('creates a verified admin who can sign in at once', async () => {
    const result = cli('create', '--email', ' Root@Example.com ', '--password', PASSWORD, '--role', 'admin');
    assert.equal(result.status, 0, result.stderr);
    const created = JSON.parse(result.stdout);
    assert.equal(created.email, 'root@example.com');
    assert.equal(created.role, 'admin');
    assert.equal(created.emailVerified, true);
    const res = await login('root@example.com');
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { user: { role: string } }).user.role, 'admin');
  });

  it('refuses a taken address, a weak password and a bad role', () => {
    const taken = cli('create', '--email', 'root@example.com', '--password', PASSWORD);
    assert.equal(taken.status, 1);
    assert.match(taken.stderr, /email_taken/);
    const weak = cli('create', '--email', 'weak@example.com', '--password', 'password');
    assert.equal(weak.status, 1);
    assert.match(weak.stderr, /validation_failed: password is too common/);
    const role = cli('create', '--email', 'r@example.com', '--password', PASSWORD, '--role', 'god');
    assert.equal(role.status, 2);
    assert.match(role.stderr, /--role is one of user, admin/);
  });

  it('an --unverified account gets its verification mail from the running server', async () => {
    const result = cli('create', '--email', 'new@example.com', '--password', PASSWORD, '--unverified');
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).emailVerified, false);
    const dir = join(cwd, 'data', 'outbox', 'mail');
    const delivered = () => {
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
      return files.map((f) => readFileSync(join(dir, f), 'utf8')).find((m) => m.includes('new@example.com'));
    };
    // The server finds the CLI's mail on its next outbox poll (every second); a busy
    // machine may take much longer, so the bound is generous and only ends a hang.
    const deadline = performance.now() + 30_000;
    let mail = delivered();
    while (!mail && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      mail = delivered();
    }
    assert.ok(mail, 'the server delivered the mail the CLI queued (within 30 s)');
    assert.match(mail, /verification code is: \d{6}/);
    // Unverified: a sign-in answers as a wrong password does (no new-or-taken oracle).
    assert.equal((await login('new@example.com')).status, 401);
  });

  it('lists and shows users', () => {
    const list = cli('list', '--json');
    assert.equal(list.status, 0, list.stderr);
    const emails = (JSON.parse(list.stdout) as { email: string }[]).map((u) => u.email);
    assert.deepEqual(emails, ['new@example.com', 'root@example.com'], 'newest first');
    const show = cli('show', 'ROOT@example.com');
    assert.equal(show.status, 0, show.stderr);
    assert.equal(JSON.parse(show.stdout).role, 'admin');
    const missing = cli('show', 'nobody@example.com');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /user_not_found/);
  });

  it('bans: sign-in answers account_disabled after the right password only', async () => {
    const ban = cli('ban', 'root@example.com');
    assert.equal(ban.status, 0, ban.stderr);
    assert.equal(JSON.parse(ban.stdout).status, 'banned');
    assert.equal(
      ((await (await login('root@example.com')).json()) as { code: string }).code,
      'account_disabled',
    );
    assert.equal(
      ((await (await login('root@example.com', 'wrong password!')).json()) as { code: string }).code,
      'invalid_credentials',
    );
  });

  it('deletes: the account is erased and the address is free', async () => {
    const id = JSON.parse(cli('show', 'new@example.com').stdout).id;
    const del = cli('delete', id);
    assert.equal(del.status, 0, del.stderr);
    assert.equal((await login('new@example.com')).status, 401);
    assert.equal(cli('show', id).stdout.includes('"status": "deleted"'), true);
    assert.equal(cli('create', '--email', 'new@example.com', '--password', PASSWORD).status, 0);
  });

  it('prints usage for a bad sub-command', () => {
    const result = cli('frob');
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Usage: roster user <command>/);
  });
});
