// `npm test`: runs every test file on SQLite, then again on PostgreSQL when it
// is reachable. With CI=true an unreachable PostgreSQL fails the run.
// Extra arguments are passed to `node --test` (e.g. a file to run alone).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const pgUrl = process.env.ROSTER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ci = process.env.CI === 'true' || process.env.CI === '1';
const args = process.argv.slice(2);
const files = args.some((a) => !a.startsWith('-')) ? [] : ['src/**/*.test.ts', 'test/**/*.test.ts'];

async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function run(dialect: 'sqlite' | 'postgres'): { pass: number; fail: number; status: number } {
  const tap = join(mkdtempSync(join(tmpdir(), 'roster-tap-')), 'report.tap');
  process.stdout.write(`\n=== ${dialect} ===\n`);
  const result = spawnSync(
    process.execPath,
    [
      '--test',
      '--test-concurrency=4',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...args,
      ...files,
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, ROSTER_TEST_DIALECT: dialect, ROSTER_TEST_PG_URL: pgUrl, ROSTER_ENV: 'test' },
    },
  );
  const report = readFileSync(tap, 'utf8');
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(report)?.[1] ?? 0);
  return { pass: count('pass'), fail: count('fail'), status: result.status ?? 1 };
}

const results = [run('sqlite')];
if (await postgresReachable()) {
  results.push(run('postgres'));
} else if (ci) {
  process.stdout.write(
    `\nPostgreSQL at ${pgUrl} is unreachable and CI=true: the PostgreSQL suite is required.\n`,
  );
  process.exit(1);
} else {
  process.stdout.write(`\nPostgreSQL at ${pgUrl} is unreachable: PostgreSQL suite skipped.\n`);
}
const pass = results.reduce((n, r) => n + r.pass, 0);
const fail = results.reduce((n, r) => n + r.fail, 0);
process.stdout.write(`\n${pass} passed, ${fail} failed\n`);
process.exit(results.every((r) => r.status === 0) && fail === 0 ? 0 : 1);
