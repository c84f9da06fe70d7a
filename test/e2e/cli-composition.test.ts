// A CLI command composes only what it uses: `user create` and `user list`
// read and write the database and open no Redis connection, even with
// REDIS_URL set (a listener on the configured port counts the connections it
// gets). Connections are made on first use (src/platform/lazy.ts).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { testDialect } from '../helpers/dialect.ts';
import { cleanEnv, MAIN } from '../helpers/spawn-server.ts';
import { createPostgresDatabase } from '../helpers/test-database.ts';

const run = promisify(execFile);

describe(`what a CLI command connects to (${testDialect})`, () => {
  const cwd = mkdtempSync(join(tmpdir(), 'roster-cli-compose-'));
  let listener: Server;
  let connections = 0;
  let env: Record<string, string> = {};
  let dropDatabase: (() => Promise<void>) | undefined;

  before(async () => {
    // Stands where Redis would be; it never answers, it only counts.
    listener = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const port = (listener.address() as { port: number }).port;
    env = { REDIS_URL: `redis://127.0.0.1:${port}` };
    if (testDialect === 'postgres') {
      const pg = await createPostgresDatabase();
      dropDatabase = pg.drop;
      env.DATABASE_URL = pg.url;
    }
  });
  after(async () => {
    await new Promise((resolve) => listener.close(resolve));
    await dropDatabase?.();
  });

  const cli = (...args: string[]) =>
    run(process.execPath, [MAIN, 'user', ...args], {
      cwd,
      env: cleanEnv(env),
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('user create and user list open no Redis connection', async () => {
    const created = await cli(
      'create',
      '--email',
      'ops@example.com',
      '--password',
      'a long operator passphrase',
    );
    const listed = await cli('list', '--json');
    assert.deepEqual(
      JSON.parse(listed.stdout).map((u: { email: string }) => u.email),
      ['ops@example.com'],
      created.stderr,
    );
    assert.equal(connections, 0);
  });
});
