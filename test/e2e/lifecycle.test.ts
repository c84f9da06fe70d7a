// The real process: starts with no configuration (SQLite in ./data) or with
// only DATABASE_URL (PostgreSQL), answers, and on SIGTERM finishes what is in
// flight and exits 0.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { testDialect } from '../helpers/dialect.ts';
import { cleanEnv, MAIN, spawnServer } from '../helpers/spawn-server.ts';
import { createPostgresDatabase } from '../helpers/test-database.ts';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Configuration for the dialect under test: nothing at all for SQLite, only DATABASE_URL for PostgreSQL. */
async function dialectEnv(): Promise<Record<string, string>> {
  if (testDialect === 'sqlite') return {};
  const pg = await createPostgresDatabase();
  cleanups.push(pg.drop);
  return { DATABASE_URL: pg.url };
}

/** How long the test waits for the server to do something it does at once on an idle machine. */
const PATIENCE_MS = 30_000;

/**
 * Sends request headers and half a body; resolves once the server has read
 * the headers (its `100 Continue`), with a function that sends the rest and
 * reads the reply.
 */
async function startSlowRequest(url: string): Promise<() => Promise<string>> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise((r) => socket.once('connect', r));
  const body = JSON.stringify({ email: 'slow@example.com' });
  let reply = '';
  const { promise: continued, resolve, reject } = Promise.withResolvers<void>();
  const timer = setTimeout(
    () => reject(new Error(`no 100 Continue within ${PATIENCE_MS} ms: ${JSON.stringify(reply)}`)),
    PATIENCE_MS,
  );
  socket.on('data', (d) => {
    reply += String(d);
    if (reply.includes('100 Continue')) resolve();
  });
  // Listen from the start: the server may close the socket before the caller waits.
  const closed = new Promise((r) => socket.once('close', r));
  socket.write(
    `POST /v1/slow-upload HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n${body.slice(0, 5)}`,
  );
  try {
    await continued; // the server has the request
  } finally {
    clearTimeout(timer);
  }
  reply = '';
  return async () => {
    socket.write(body.slice(5));
    await closed;
    return reply;
  };
}

/** Whether a new TCP connection to the server is refused (true) or accepted (false; it is closed again). */
function connectionRefused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') resolve(true);
      else reject(error);
    });
  });
}

/**
 * Polls until new connections are refused: the server stops listening soon
 * after the signal, but "soon" has no fixed bound on a busy machine.
 */
async function untilConnectionsRefused(url: string): Promise<void> {
  const deadline = performance.now() + PATIENCE_MS;
  while (!(await connectionRefused(url))) {
    if (performance.now() > deadline)
      assert.fail(`still accepting connections ${PATIENCE_MS} ms after SIGTERM`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe(`server process (${testDialect})`, () => {
  it('starts with no other configuration, serves, and stops on SIGTERM with exit 0 after in-flight requests', {
    timeout: 120_000,
  }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'roster-life-'));
    // The only setting: a grace period long enough for a loaded CI machine.
    const server = await spawnServer({
      cwd,
      env: { ...(await dialectEnv()), ROSTER_SHUTDOWN_TIMEOUT: '60' },
    });
    cleanups.push(async () => {
      server.process.kill('SIGKILL');
    });
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    if (testDialect === 'sqlite')
      assert.ok(existsSync(join(cwd, 'data', 'roster.db')), 'SQLite lives in ./data');

    const finish = await startSlowRequest(server.url);
    server.process.kill('SIGTERM');
    // No new connections while draining; the slow request is still in flight meanwhile.
    await untilConnectionsRefused(server.url);
    const reply = await finish();
    assert.match(reply, /^HTTP\/1\.1 404 /, 'the in-flight request got its answer');
    assert.match(reply, /"code":"not_found"/);
    assert.equal(await server.exited(), 0);
    const messages = server.logs.map((l) => l.msg);
    assert.ok(messages.includes('shutting down'));
    assert.ok(messages.includes('roster stopped'));
  });

  it('SIGINT stops it too', { timeout: 120_000 }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'roster-life-'));
    const server = await spawnServer({ cwd, env: await dialectEnv() });
    server.process.kill('SIGINT');
    assert.equal(await server.exited(), 0);
  });

  it('`migrate` applies migrations and exits; a second run has nothing to do', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'roster-migrate-'));
    const env = cleanEnv(await dialectEnv());
    const first = spawnSync(process.execPath, [MAIN, 'migrate'], { cwd, env, encoding: 'utf8' });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /applied 0001-outbox/);
    const second = spawnSync(process.execPath, [MAIN, 'migrate'], { cwd, env, encoding: 'utf8' });
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stdout, 'database is up to date\n');
  });

  it('a changed ROSTER_SECRET stops start-up with a message instead of failing every sign-in', {
    timeout: 120_000,
  }, async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'roster-secret-'));
    const env = await dialectEnv();
    const first = await spawnServer({ cwd, env: { ...env, ROSTER_SECRET: 'a'.repeat(40) } });
    first.process.kill('SIGTERM');
    assert.equal(await first.exited(), 0);
    const second = spawnSync(process.execPath, [MAIN, 'serve'], {
      cwd,
      env: cleanEnv({ ...env, ROSTER_SECRET: 'b'.repeat(40) }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(second.status, 1);
    assert.match(second.stderr, /cannot be decrypted with ROSTER_SECRET: the secret changed/);
  });

  it('an unknown command exits 2 with the usage', () => {
    const result = spawnSync(process.execPath, [MAIN, 'frobnicate'], {
      cwd: mkdtempSync(join(tmpdir(), 'roster-cli-')),
      env: cleanEnv({}),
      encoding: 'utf8',
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown command "frobnicate"/);
    assert.match(result.stderr, /serve\s+start the server/);
  });
});
