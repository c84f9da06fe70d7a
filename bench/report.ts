import type autocannon from 'autocannon';

/** The load of `ceiling` and `me`, the same so one is a share of the other (issue 17's: 50 connections, 8 s). */
export const HTTP_LOAD = { connections: 50, durationSeconds: 8 } as const;

/** The figures every load scenario reports. */
export function summarize(result: autocannon.Result, connections: number, durationSeconds: number) {
  return {
    connections,
    durationSeconds,
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    status5xx: count5xx(result),
    errors: result.errors,
  };
}

/** Replies with a 5xx status, from autocannon's per-status counters. */
export function count5xx(result: autocannon.Result): number {
  return Object.entries(result.statusCodeStats ?? {})
    .filter(([status]) => status.startsWith('5'))
    .reduce((sum, [, { count }]) => sum + Number(count ?? 0), 0);
}

/** Each call's duration in ms, one at a time, until `requests` calls or `seconds` have passed. */
export async function timeEach(
  call: () => Promise<unknown>,
  bounds: { requests: number; seconds: number },
): Promise<number[]> {
  const times: number[] = [];
  const end = performance.now() + bounds.seconds * 1000;
  while (times.length < bounds.requests && performance.now() < end) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  return times;
}
