import type autocannon from 'autocannon';

/** The figures every load scenario reports. */
export function summarize(result: autocannon.Result, connections: number, durationSeconds: number) {
  return {
    connections,
    durationSeconds,
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
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
