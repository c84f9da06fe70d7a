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
