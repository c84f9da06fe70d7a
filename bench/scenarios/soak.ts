// Soak: modest mixed traffic (31 operations a second of thirteen kinds for 45 s of
// every minute, then a quiet spell of sign-ins; see bench/soak-traffic.ts)
// against one server process for 10 minutes (SOAK_SECONDS overrides), sent at
// a fixed rate whatever the answers, so a server that stalls shows as
// timeouts rather than as a client that slows down. Every request has a 10 s
// client timeout. Prints one JSON line per minute as it goes (requests
// counted in the minute they were sent, printed once all of them have
// settled) and samples RSS every 30 s; the result is the totals, RSS growth,
// and a verdict.
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { freePort } from '../../test/helpers/oidc.ts';
import { cleanEnv } from '../../test/helpers/spawn-server.ts';
import { ACTIVITY_BENCH_ENV, SIGN_IN_BENCH_ENV } from '../accounts.ts';
import { rssMiB, startBenchServer } from '../server.ts';
import { oauthSignIn, registerSoakClient } from '../soak-oauth.ts';
import { compactKinds, figures, isTimeout, merge, newTally, outcomeOf, type Tally } from '../soak-tally.ts';
import {
  dueBy,
  KINDS,
  type Kind,
  QUIET_FROM_SECOND,
  RATES,
  REQUEST_TIMEOUT_MS,
  soakTraffic,
} from '../soak-traffic.ts';

const DURATION_SECONDS = Number(process.env.SOAK_SECONDS ?? 600);
/** RSS before this is start-up and caches filling; growth is measured from the first sample at or after it. */
const WARM_UP_SECONDS = 30;
const RSS_EVERY_SECONDS = 30;
const POOL_ACCOUNTS = 40;
/** A bound on open requests: with the server stalled, at most rate × timeout (about 240) would be open. */
const MAX_IN_FLIGHT = 500;
const TICK_MS = 20;
const MAX_RSS_GROWTH_PERCENT = 25;

/** A 1200×900 photo-like PNG: what a phone sends, small enough for a steady trickle. */
const soakPhoto = () =>
  sharp({
    create: {
      width: 1200,
      height: 900,
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 120, sigma: 30 },
    },
  })
    .png()
    .toBuffer();

interface Minute {
  readonly index: number;
  readonly fromSecond: number;
  readonly toSecond: number;
  readonly tally: Tally;
  readonly pending: Set<Promise<void>>;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export async function soak(): Promise<Record<string, unknown>> {
  if (!(DURATION_SECONDS > 0))
    throw new Error(`SOAK_SECONDS must be a positive number (got ${DURATION_SECONDS})`);
  // A fixed port, so the issuer (PUBLIC_URL) is the address the OpenID traffic calls.
  const port = await freePort();
  const server = await startBenchServer({
    ...SIGN_IN_BENCH_ENV,
    ...ACTIVITY_BENCH_ENV,
    // The exam traffic records its own answers, as an app without a server of its own would.
    ROSTER_ACTIVITY_SELF_REPORT: 'true',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  });
  const pid = server.process.pid!;
  const startedAt = performance.now();
  let stopped: Record<string, unknown> = {};
  try {
    const oauth = oauthSignIn(server.url, registerSoakClient(server.cwd, cleanEnv(server.env)));
    const traffic = soakTraffic(server.url, Date.now().toString(36), await soakPhoto(), oauth);
    await traffic.fillPool(POOL_ACCOUNTS);
    const setupSeconds = round1((performance.now() - startedAt) / 1000);

    const minutes: Minute[] = Array.from({ length: Math.ceil(DURATION_SECONDS / 60) }, (_, i) => ({
      index: i,
      fromSecond: i * 60,
      toSecond: Math.min((i + 1) * 60, DURATION_SECONDS),
      tally: newTally(),
      pending: new Set(),
    }));
    const examples: Record<string, unknown>[] = [];
    const inFlight = new Set<Promise<void>>();
    const t0 = performance.now();
    const atSecond = () => (performance.now() - t0) / 1000;
    let firstTimeoutAtSecond: number | null = null;

    const launch = (kind: Kind, minute: Minute) => {
      const tally = minute.tally[kind];
      if (inFlight.size >= MAX_IN_FLIGHT) {
        tally.counts.skipped++;
        return;
      }
      const sentAt = atSecond();
      const note = (what: Record<string, unknown>) => {
        if (examples.length < 10) examples.push({ kind, atSecond: round1(sentAt), ...what });
      };
      const done = (async () => {
        const start = performance.now();
        try {
          const answer = await traffic.run(kind);
          if (!answer) {
            tally.counts.skipped++;
            return;
          }
          tally.latencies.push(performance.now() - start);
          const outcome = outcomeOf(answer);
          tally.counts[outcome]++;
          if (outcome !== 'successes')
            note({ status: answer.status, body: JSON.stringify(answer.body).slice(0, 300) });
        } catch (error) {
          if (isTimeout(error)) {
            tally.counts.timeouts++;
            firstTimeoutAtSecond ??= round1(sentAt);
          } else {
            tally.counts.errors++;
            note({ error: String((error as Error).cause ?? error).slice(0, 300) });
          }
        }
      })();
      minute.pending.add(done);
      inFlight.add(done);
      void done.finally(() => inFlight.delete(done));
    };

    // RSS at 0, 30, 60 s … and at the end.
    const rss: { atSecond: number; mib: number | null }[] = [];
    const sampleRss = async () => {
      const times = Array.from(
        { length: Math.floor(DURATION_SECONDS / RSS_EVERY_SECONDS) + 1 },
        (_, k) => k * RSS_EVERY_SECONDS,
      );
      if (times.at(-1) !== DURATION_SECONDS) times.push(DURATION_SECONDS);
      for (const at of times) {
        await sleep(Math.max(0, t0 + at * 1000 - performance.now()));
        let mib: number | null = null;
        try {
          mib = await rssMiB(pid);
        } catch {
          // the process is gone: the minute lines show what that did to the traffic
        }
        rss.push({ atSecond: at, mib });
      }
    };

    // One line per minute, once every request sent in it has settled (at most the timeout after its end).
    const minuteLines: Record<string, unknown>[] = [];
    const report = async () => {
      for (const m of minutes) {
        await sleep(Math.max(0, t0 + m.toSecond * 1000 - performance.now()));
        await Promise.all(m.pending);
        const f = figures(m.tally);
        const { kinds, ...all } = f;
        const line = {
          soakMinute: m.index + 1,
          seconds: [m.fromSecond, m.toSecond],
          ...all,
          rssMiB: rss.filter((s) => s.atSecond <= m.toSecond).at(-1)?.mib ?? null,
        };
        minuteLines.push(line);
        process.stdout.write(`${JSON.stringify({ ...line, kinds: compactKinds(f) })}\n`);
      }
    };

    // Fixed-rate sending: each tick sends every request of each kind that has come due.
    const send = async () => {
      const sent = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
      for (let s = atSecond(); s < DURATION_SECONDS; s = atSecond()) {
        const minute = minutes[Math.floor(s / 60)]!;
        for (const kind of KINDS) {
          const due = dueBy(kind, s);
          while (sent[kind] < due) {
            sent[kind]++;
            launch(kind, minute);
          }
        }
        await sleep(TICK_MS);
      }
    };

    await Promise.all([send(), sampleRss(), report()]);
    await Promise.all(inFlight);

    const totals = figures(merge(minutes.map((m) => m.tally)));
    const growth = rssGrowth(rss);
    const checks = {
      noTimeouts: totals.timeouts === 0,
      no5xx: totals.status5xx === 0,
      noUnexpected4xx: totals.status4xx === 0,
      noNetworkErrors: totals.errors === 0,
      allSent: totals.skipped === 0,
      serverAliveToTheEnd: rss.at(-1)?.mib != null,
      rssPeakGrowthUnder25Percent:
        growth.peakGrowthPercent !== null && growth.peakGrowthPercent < MAX_RSS_GROWTH_PERCENT,
    };
    stopped = await stop(server);
    return {
      durationSeconds: DURATION_SECONDS,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      ratesPerSecond: RATES,
      quietFromSecondOfEachMinute: QUIET_FROM_SECOND,
      poolAccounts: POOL_ACCOUNTS,
      setupSeconds,
      minutes: minuteLines,
      rss: { samples: rss, ...growth },
      totals,
      firstTimeoutAtSecond,
      examples,
      serverErrorLogs: server.logs.filter((l) => Number(l.level) >= 50).length,
      shutdown: stopped,
      verdict: { pass: Object.values(checks).every(Boolean), ...checks },
    };
  } finally {
    if (!('exitCode' in stopped)) await stop(server);
  }
}

/** SIGTERM, then SIGKILL if the process has not exited 30 s later (a server stalled on its database may not). */
async function stop(server: Awaited<ReturnType<typeof startBenchServer>>) {
  const t = performance.now();
  server.process.kill('SIGTERM');
  const exited = await Promise.race([server.exited().then(() => true), sleep(30_000).then(() => false)]);
  if (!exited) server.process.kill('SIGKILL');
  const exitCode = await server.exited();
  const stoppedLog = server.logs.find((l) => l.msg === 'roster stopped');
  return {
    ms: Math.round(performance.now() - t),
    exitCode,
    forcedClose: stoppedLog ? stoppedLog.forced === true : null,
    killed: !exited,
  };
}

/**
 * RSS growth two ways: from the first sample at or after the warm-up to the
 * last; and the highest sample of the later half of the run against the
 * highest of the earlier half (after the warm-up). Single samples ride the
 * garbage collector's sawtooth (160 to 280 MiB within minutes with nothing
 * leaking), so the verdict takes the peaks: a leak raises them, a GC's phase
 * at the last sample does not.
 */
function rssGrowth(samples: readonly { atSecond: number; mib: number | null }[]) {
  const measured = samples.filter((s): s is { atSecond: number; mib: number } => s.mib !== null);
  const after = measured.filter((s) => s.atSecond >= Math.min(WARM_UP_SECONDS, DURATION_SECONDS));
  const percent = (from: number, to: number) => round1(((to - from) / from) * 100);
  const first = after[0];
  const last = after.at(-1);
  const half = Math.floor(after.length / 2);
  const peak = (xs: readonly { mib: number }[]) => Math.max(...xs.map((s) => s.mib));
  const earlier = half > 0 ? peak(after.slice(0, half)) : null;
  const later = half > 0 ? peak(after.slice(half)) : null;
  return {
    baselineAtSecond: first?.atSecond ?? null,
    baselineMiB: first?.mib ?? null,
    lastMiB: last?.mib ?? null,
    growthPercent: first && last && last !== first ? percent(first.mib, last.mib) : null,
    earlierPeakMiB: earlier,
    laterPeakMiB: later,
    peakGrowthPercent: earlier !== null && later !== null ? percent(earlier, later) : null,
  };
}
