import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './load-config.ts';

const SECRET = 's'.repeat(40);
const tmp = () => mkdtempSync(join(tmpdir(), 'roster-config-'));
/** A test environment with the data dir in a temp folder. */
const env = (vars: Record<string, string> = {}) => ({
  ROSTER_DATA_DIR: tmp(),
  ROSTER_SECRET: SECRET,
  ...vars,
});

function problemsOf(vars: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(vars);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has working defaults with no variables set', () => {
    const cwd = tmp();
    const config = loadConfig({}, { cwd });
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.env, 'development');
    assert.equal(config.dataDir, join(cwd, 'data'));
    assert.deepEqual(config.database, { dialect: 'sqlite', path: join(cwd, 'data', 'roster.db') });
    assert.equal(config.publicUrl, 'http://127.0.0.1:3000');
    assert.equal(config.smtpUrl, null);
    assert.equal(config.mailFrom, 'Roster <no-reply@localhost>');
    assert.deepEqual(config.sms, { transport: 'outbox' });
    assert.deepEqual(config.storage, { kind: 'fs', dir: join(cwd, 'data', 'media') });
    assert.equal(config.requireEmailVerification, true);
    assert.equal(config.inviteOnly, false);
    assert.equal(config.rateLimitIpFactor, 1);
    assert.equal(config.trustProxy, null);
    assert.deepEqual(config.compat, ['001', '002', '003', '004']);
    assert.equal(config.passwordMinLength, 8);
    assert.equal(config.sessionAbsoluteTtlSeconds, 30 * 24 * 3600);
  });

  it('generates a development secret once into the data dir and reuses it', () => {
    const dataDir = tmp();
    const first = loadConfig({ ROSTER_DATA_DIR: dataDir });
    const file = join(dataDir, 'secret');
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(first.secrets[0]!.length >= 32);
    assert.deepEqual(loadConfig({ ROSTER_DATA_DIR: dataDir }).secrets, first.secrets);
    assert.equal(readFileSync(file, 'utf8').trim(), first.secrets[0]);
  });

  it('is frozen', () => {
    const config = loadConfig(env());
    assert.ok(Object.isFrozen(config));
    assert.throws(() => {
      (config as { port: number }).port = 1;
    }, TypeError);
  });

  it('parses every kind of value', () => {
    const config = loadConfig(
      env({
        PORT: '8080',
        DATABASE_URL: 'postgres://u:p@db.example:5432/roster',
        REDIS_URL: 'redis://127.0.0.1:6379',
        ROSTER_SECRET: `${'a'.repeat(32)}, ${'b'.repeat(32)}`,
        PUBLIC_URL: 'https://id.example.com/',
        SMTP_URL: 'smtps://user:pass@mail.example.com:465',
        SMS_TRANSPORT: 'twilio',
        TWILIO_ACCOUNT_SID: 'AC123',
        TWILIO_AUTH_TOKEN: 'tok',
        TWILIO_FROM: '+15550001111',
        STORAGE_URL: 's3://bucket?endpoint=http://127.0.0.1:9000&region=us-east-1',
        ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false',
        ROSTER_INVITE_ONLY: 'yes',
        ROSTER_RATE_LIMIT_IP_FACTOR: '2.5',
        TRUST_PROXY: '10.0.0.0/8, 127.0.0.1, loopback, ::1',
        ROSTER_COMPAT: '002,001,002',
        ROSTER_CORS_ORIGINS: 'https://app.example.com,http://localhost:5173',
      }),
    );
    assert.equal(config.port, 8080);
    assert.deepEqual(config.database, { dialect: 'postgres', url: 'postgres://u:p@db.example:5432/roster' });
    assert.deepEqual(config.secrets, ['a'.repeat(32), 'b'.repeat(32)]);
    assert.equal(config.publicUrl, 'https://id.example.com');
    assert.deepEqual(config.sms, {
      transport: 'twilio',
      accountSid: 'AC123',
      authToken: 'tok',
      from: '+15550001111',
      apiBase: 'https://api.twilio.com',
    });
    assert.equal(config.storage.kind, 's3');
    assert.equal(config.requireEmailVerification, false);
    assert.equal(config.inviteOnly, true);
    assert.equal(config.rateLimitIpFactor, 2.5);
    assert.deepEqual(config.trustProxy, ['10.0.0.0/8', '127.0.0.1', 'loopback', '::1']);
    assert.deepEqual(config.compat, ['002', '001']);
    assert.deepEqual(config.corsOrigins, ['https://app.example.com', 'http://localhost:5173']);
  });

  it('accepts sqlite: URLs, relative to the working directory', () => {
    const cwd = tmp();
    assert.deepEqual(loadConfig(env({ DATABASE_URL: 'sqlite::memory:' })).database, {
      dialect: 'sqlite',
      path: ':memory:',
    });
    assert.deepEqual(loadConfig(env({ DATABASE_URL: 'sqlite:db/x.db' }), { cwd }).database, {
      dialect: 'sqlite',
      path: join(cwd, 'db/x.db'),
    });
  });

  it('names the variable of a bad value', () => {
    assert.deepEqual(problemsOf(env({ PORT: 'abc' })), [
      'PORT: must be an integer from 0 to 65535 (got "abc")',
    ]);
    assert.match(
      problemsOf(env({ DATABASE_URL: 'mysql://x' }))[0]!,
      /^DATABASE_URL: unsupported scheme "mysql:"/,
    );
    assert.match(problemsOf(env({ ROSTER_ENV: 'staging' }))[0]!, /^ROSTER_ENV: must be one of/);
    assert.match(
      problemsOf(env({ ROSTER_REQUIRE_EMAIL_VERIFICATION: 'maybe' }))[0]!,
      /^ROSTER_REQUIRE_EMAIL/,
    );
    assert.match(problemsOf(env({ ROSTER_RATE_LIMIT_IP_FACTOR: '-1' }))[0]!, /^ROSTER_RATE_LIMIT_IP_FACTOR:/);
    assert.match(problemsOf(env({ TRUST_PROXY: '10.0.0.0/33' }))[0]!, /^TRUST_PROXY: "10.0.0.0\/33"/);
    assert.match(problemsOf(env({ TRUST_PROXY: 'proxy.local' }))[0]!, /^TRUST_PROXY:/);
    assert.match(problemsOf(env({ ROSTER_COMPAT: '001,009' }))[0]!, /^ROSTER_COMPAT: unknown surface 009/);
    assert.deepEqual(problemsOf(env({ STORAGE_URL: 's3://Bad_Bucket?region=eu-west-1' })), [
      'STORAGE_URL: the bucket name must follow S3 naming rules (s3://my-bucket?…)',
    ]);
    assert.match(
      problemsOf(env({ STORAGE_URL: 's3://media?colour=blue' }))[0]!,
      /^STORAGE_URL: unknown parameter/,
    );
    assert.match(problemsOf(env({ MEDIA_PUBLIC_URL: 'ftp://cdn' }))[0]!, /^MEDIA_PUBLIC_URL:/);
    assert.match(problemsOf(env({ ROSTER_AVATAR_MAX_BYTES: '10' }))[0]!, /^ROSTER_AVATAR_MAX_BYTES:/);
    assert.match(problemsOf(env({ SMTP_URL: 'http://mail' }))[0]!, /^SMTP_URL: must start with smtp:\/\//);
    assert.match(problemsOf(env({ ROSTER_CORS_ORIGINS: 'https://a.com/path' }))[0]!, /^ROSTER_CORS_ORIGINS:/);
    assert.match(problemsOf(env({ SMS_TRANSPORT: 'webhook' }))[0]!, /^SMS_WEBHOOK_URL: required/);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(env({ PORT: 'abc', HOST: ' ', DATABASE_URL: 'mysql://x' }));
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      ['PORT', 'HOST', 'DATABASE_URL'],
    );
  });

  it('never echoes secret values', () => {
    const [problem] = problemsOf(env({ ROSTER_SECRET: 'short-secret-value' }));
    assert.match(problem!, /^ROSTER_SECRET: each secret must be at least 32 characters/);
    assert.doesNotMatch(problem!, /short-secret-value/);
    const [smtp] = problemsOf(env({ SMTP_URL: 'ftp://user:hunter2@mail' }));
    assert.doesNotMatch(smtp!, /hunter2/);
  });

  it('reads the seed 004 data key and lets x-dev-time set the time only in development', () => {
    const key = Buffer.alloc(32, 7);
    assert.deepEqual(
      loadConfig(env({ ROSTER_COMPAT_004_DATA_KEY: key.toString('hex') })).compat004.dataKey,
      key,
    );
    assert.deepEqual(
      loadConfig(env({ ROSTER_COMPAT_004_DATA_KEY: key.toString('base64') })).compat004.dataKey,
      key,
    );
    assert.equal(loadConfig(env()).compat004.dataKey, null);
    for (const bad of ['short', Buffer.alloc(16).toString('base64'), 'z'.repeat(64)])
      assert.match(
        problemsOf(env({ ROSTER_COMPAT_004_DATA_KEY: bad }))[0]!,
        /^ROSTER_COMPAT_004_DATA_KEY: must be 32/,
      );
    assert.equal(loadConfig(env({ ROSTER_DEV_TIME_HEADER: 'true' })).devTimeHeader, true);
    assert.equal(
      loadConfig(env({ ROSTER_ENV: 'test', ROSTER_DEV_TIME_HEADER: 'true' })).devTimeHeader,
      false,
    );
    const production = {
      ROSTER_ENV: 'production',
      PUBLIC_URL: 'https://id.example.com',
      SMTP_URL: 'smtp://m:25',
      ROSTER_DEV_TIME_HEADER: 'true',
    };
    assert.deepEqual(problemsOf(env(production)), [
      'ROSTER_DEV_TIME_HEADER: only for development; a client must not set the time in production',
    ]);
  });

  it('refuses insecure defaults in production', () => {
    const problems = problemsOf({ ROSTER_ENV: 'production', ROSTER_DATA_DIR: tmp() });
    assert.deepEqual(
      problems.map((p) => p.split(':')[0]),
      ['ROSTER_SECRET', 'PUBLIC_URL', 'SMTP_URL'],
    );
    assert.match(
      problemsOf(
        env({ ROSTER_ENV: 'production', PUBLIC_URL: 'http://id.example.com', SMTP_URL: 'smtp://m:25' }),
      )[0]!,
      /^PUBLIC_URL: must be an https:\/\/ URL in production/,
    );
    const ok = loadConfig(
      env({ ROSTER_ENV: 'production', PUBLIC_URL: 'https://id.example.com', SMTP_URL: 'smtp://m:25' }),
    );
    assert.equal(ok.env, 'production');
  });

  it('does not write a secret file in production', () => {
    const dataDir = tmp();
    problemsOf({ ROSTER_ENV: 'production', ROSTER_DATA_DIR: dataDir });
    assert.equal(existsSync(join(dataDir, 'secret')), false);
  });

  it('stops the process with exit code 1 and one line naming the variable', () => {
    const result = spawnSync(process.execPath, ['src/main.ts', 'migrate'], {
      env: { ...process.env, PORT: 'abc', ROSTER_DATA_DIR: tmp() },
      encoding: 'utf8',
    });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      'roster: invalid configuration: PORT: must be an integer from 0 to 65535 (got "abc")\n',
    );
  });
});
