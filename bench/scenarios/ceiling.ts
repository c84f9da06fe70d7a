// The HTTP ceiling of this machine: a Fastify hello-world (the project's
// Fastify, the same Node) in its own process, loaded exactly as `me` is
// (50 connections for 8 s after a 2 s warm-up, same client). `me` reports its
// throughput as a share of this figure.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { recordBound } from '../bounds.ts';
import { HTTP_LOAD as LOAD, summarize } from '../report.ts';

export async function ceiling(): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [resolve(import.meta.dirname, '../hello-world.ts')], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(() => reject(new Error('hello-world did not start in 15 s')), 15_000);
      exited.then(([code]) => reject(new Error(`hello-world exited with ${code}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as { url?: string };
        if (entry.url) {
          clearTimeout(timer);
          resolveUrl(entry.url);
        }
      });
    });
    await autocannon({ url, connections: 10, duration: 2 });
    const result = await autocannon({ url, connections: LOAD.connections, duration: LOAD.durationSeconds });
    const figures = summarize(result, LOAD.connections, LOAD.durationSeconds);
    recordBound('ceilingRequestsPerSecond', figures.requestsPerSecond);
    return figures;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}
