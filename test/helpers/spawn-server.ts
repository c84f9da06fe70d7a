// Starts the real server process (`node src/main.ts serve`) the way an
// operator does, and reads its JSON log to learn where it listens.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const MAIN = resolve(REPO_ROOT, 'src/main.ts');

export interface SpawnedServer {
  readonly process: ChildProcess;
  readonly url: string;
  readonly logs: Record<string, unknown>[];
  /** Resolves with the exit code once the process ends. */
  exited(): Promise<number | null>;
}

/** Environment for a child process: this one's PATH and HOME, none of its ROSTER_/DATABASE_ settings. */
export function cleanEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', ...vars };
}

export async function spawnServer(options: {
  cwd: string;
  env?: Record<string, string>;
}): Promise<SpawnedServer> {
  const child = spawn(process.execPath, [MAIN, 'serve'], {
    cwd: options.cwd,
    env: cleanEnv(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += String(d);
  });
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  const url = await new Promise<string>((resolveUrl, reject) => {
    // Start-up takes a second or two; the bound only turns a hang into a message.
    const timer = setTimeout(() => reject(new Error(`server did not start in 45 s: ${stderr}`)), 45_000);
    exit.then((code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'roster listening') {
          clearTimeout(timer);
          resolveUrl(String(entry.url));
        }
      } catch {
        // not JSON: ignore
      }
    });
  });
  return { process: child, url, logs, exited: () => exit };
}
