// Authenticated GET /v1/me: JWT verification, the session-state check (cached
// a few seconds, invalidated on revocation) and one user read per request.
import autocannon from 'autocannon';
import { createAccounts, SIGN_IN_BENCH_ENV, signIn } from '../accounts.ts';
import { summarize } from '../report.ts';
import { startBenchServer, stopBenchServer } from '../server.ts';

export async function me(): Promise<Record<string, unknown>> {
  const server = await startBenchServer(SIGN_IN_BENCH_ENV);
  try {
    const [email] = await createAccounts(server.url, 1);
    const { accessToken } = await signIn(server.url, email!);
    const options = { url: `${server.url}/v1/me`, headers: { authorization: `Bearer ${accessToken}` } };
    await autocannon({ ...options, connections: 10, duration: 2 });
    const result = await autocannon({ ...options, connections: 50, duration: 10 });
    return summarize(result, 50, 10);
  } finally {
    await stopBenchServer(server);
  }
}
