// Reads during a hashing storm. Solo: 40 connections of authenticated
// GET /v1/me for 8 s. Storm: the same 40 while 10 more sign up (or, with
// BENCH_STORM_KIND=login, sign in) one request after another as fast as the
// server answers. The reads' rate during the storm as a share of solo shows
// whether argon2id starves the event loop; the storm's own replies are
// counted by status, with the latency of its 503 server_busy apart.
import autocannon from 'autocannon';
import { BENCH_PASSWORD, createAccounts, SIGN_IN_BENCH_ENV, signIn } from '../accounts.ts';
import { summarize } from '../report.ts';
import { startBenchServer, stopBenchServer } from '../server.ts';

const READERS = 40;
const SECONDS = 8;
/** Storm connections: 10 by default; more to push past the hashing queue (503s). */
const STORMERS = Number(process.env.BENCH_STORM_CONNECTIONS ?? 10);
const KIND = process.env.BENCH_STORM_KIND === 'login' ? 'login' : 'signup';

interface Reply {
  readonly status: number;
  readonly ms: number;
}

const pct = (sorted: number[], p: number): number | null =>
  sorted.length === 0
    ? null
    : Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;

function tally(replies: Reply[], seconds: number) {
  const byStatus: Record<string, number> = {};
  for (const r of replies) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const ok = replies.filter((r) => r.status >= 200 && r.status < 300).map((r) => r.ms);
  const busy = replies.filter((r) => r.status === 503).map((r) => r.ms);
  ok.sort((a, b) => a - b);
  busy.sort((a, b) => a - b);
  return {
    kind: KIND,
    connections: STORMERS,
    successesPerSecond: Math.round((ok.length / seconds) * 10) / 10,
    repliesPerSecond: Math.round((replies.length / seconds) * 10) / 10,
    byStatus,
    latencyP50Ms: pct(ok, 50),
    latencyP99Ms: pct(ok, 99),
    serverBusy: busy.length,
    serverBusyP50Ms: pct(busy, 50),
    serverBusyP99Ms: pct(busy, 99),
  };
}

export async function storm(): Promise<Record<string, unknown>> {
  const server = await startBenchServer(SIGN_IN_BENCH_ENV);
  try {
    const accounts = await createAccounts(server.url, KIND === 'login' ? 20 : 1);
    const { accessToken } = await signIn(server.url, accounts[0]!);
    const reads = { url: `${server.url}/v1/me`, headers: { authorization: `Bearer ${accessToken}` } };
    await autocannon({ ...reads, connections: 10, duration: 2 });
    const solo = summarize(
      await autocannon({ ...reads, connections: READERS, duration: SECONDS }),
      READERS,
      SECONDS,
    );

    // The storm: each connection sends its next request when the last is answered.
    const replies: Reply[] = [];
    const run = Date.now();
    let n = 0;
    let stop = false;
    let errors = 0;
    const one = async () => {
      const i = n++;
      const body =
        KIND === 'login'
          ? {
              url: '/v1/sessions',
              json: { identifier: accounts[i % accounts.length], password: BENCH_PASSWORD },
            }
          : {
              url: '/v1/accounts',
              json: { email: `bench-storm-${run}-${i}@example.com`, password: BENCH_PASSWORD },
            };
      const t0 = performance.now();
      try {
        const res = await fetch(`${server.url}${body.url}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body.json),
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        if (!stop) replies.push({ status: res.status, ms: performance.now() - t0 });
      } catch {
        if (!stop) errors++;
      }
    };
    const stormers = Array.from({ length: STORMERS }, async () => {
      while (!stop) await one();
    });
    const during = await autocannon({ ...reads, connections: READERS, duration: SECONDS });
    stop = true;
    await Promise.all(stormers);
    const stormReads = summarize(during, READERS, SECONDS);
    return {
      solo: {
        requestsPerSecond: solo.requestsPerSecond,
        latencyP50Ms: solo.latencyP50Ms,
        latencyP99Ms: solo.latencyP99Ms,
        non2xx: solo.non2xx,
        errors: solo.errors,
      },
      storm: {
        reads: {
          requestsPerSecond: stormReads.requestsPerSecond,
          latencyP50Ms: stormReads.latencyP50Ms,
          latencyP99Ms: stormReads.latencyP99Ms,
          non2xx: stormReads.non2xx,
          errors: stormReads.errors,
        },
        writes: { ...tally(replies, SECONDS), errors },
      },
      readsRatioToSolo:
        solo.requestsPerSecond > 0
          ? Math.round((stormReads.requestsPerSecond / solo.requestsPerSecond) * 1000) / 1000
          : null,
    };
  } finally {
    await stopBenchServer(server);
  }
}
