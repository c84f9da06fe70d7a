// Authenticated GET /v1/me: JWT verification, the session-state check (cached
// a few seconds, invalidated on revocation) and one user read per request.
// Loaded as `ceiling` is; its share of the ceiling when that ran first.
import autocannon from 'autocannon';
import { createAccounts, SIGN_IN_BENCH_ENV, signIn } from '../accounts.ts';
import { ratioTo } from '../bounds.ts';
import { HTTP_LOAD, summarize } from '../report.ts';
import { startBenchServer, stopBenchServer } from '../server.ts';

export async function me(): Promise<Record<string, unknown>> {
  const server = await startBenchServer(SIGN_IN_BENCH_ENV);
  try {
    const [email] = await createAccounts(server.url, 1);
    const { accessToken } = await signIn(server.url, email!);
    const options = { url: `${server.url}/v1/me`, headers: { authorization: `Bearer ${accessToken}` } };
    await autocannon({ ...options, connections: 10, duration: 2 });
    const result = await autocannon({
      ...options,
      connections: HTTP_LOAD.connections,
      duration: HTTP_LOAD.durationSeconds,
    });
    const figures = summarize(result, HTTP_LOAD.connections, HTTP_LOAD.durationSeconds);
    return {
      ...figures,
      ratioToCeiling: ratioTo('ceilingRequestsPerSecond', figures.requestsPerSecond),
    };
  } finally {
    await stopBenchServer(server);
  }
}
