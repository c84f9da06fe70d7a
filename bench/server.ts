// Starts the real server process for a scenario, on a fresh data directory
// (SQLite) or DATABASE_URL from the environment (PostgreSQL).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SpawnedServer, spawnServer } from '../test/helpers/spawn-server.ts';

export interface BenchServer extends SpawnedServer {
  /** The server's directory (its SQLite data) and environment, for CLI commands on its data. */
  readonly cwd: string;
  readonly env: Record<string, string>;
}

export async function startBenchServer(vars: Record<string, string> = {}): Promise<BenchServer> {
  const cwd = mkdtempSync(join(tmpdir(), 'roster-bench-'));
  const env = {
    // One secret for every run: scenarios may share a PostgreSQL database, whose keys it encrypts.
    ROSTER_SECRET: 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    // Node flags for the server under test, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
    ...vars,
  };
  return { ...(await spawnServer({ cwd, env })), cwd, env };
}

export async function stopBenchServer(server: SpawnedServer): Promise<void> {
  server.process.kill('SIGTERM');
  await server.exited();
}

/** Resident set size of a process in MiB (Linux). */
export async function rssMiB(pid: number): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round((kib / 1024) * 10) / 10;
}
