// Start-up time (spawn to the "listening" log line, and to the first /healthz
// 200: the cold start) and idle RSS 2 s after that first request, over a few
// cold starts; the medians are the figures, each run's are listed too.
import { performance } from 'node:perf_hooks';
import { rssMiB, startBenchServer, stopBenchServer } from '../server.ts';

const RUNS = 5;

export async function startup(): Promise<Record<string, unknown>> {
  const toListen: number[] = [];
  const toHealthy: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const server = await startBenchServer();
    toListen.push(performance.now() - t0);
    const res = await fetch(`${server.url}/healthz`);
    if (res.status !== 200) throw new Error(`healthz answered ${res.status}`);
    toHealthy.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 2000));
    rss.push(await rssMiB(server.process.pid!));
    await stopBenchServer(server);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    runs: RUNS,
    medianMsToListening: Math.round(median(toListen)),
    medianMsToFirstHealthz: Math.round(median(toHealthy)),
    medianIdleRssMiB: median(rss),
    msToFirstHealthz: toHealthy.map(Math.round),
    idleRssMiB: rss,
  };
}
