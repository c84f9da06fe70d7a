// POST /v1/sessions with the right password, rotating over many accounts so
// per-account limits never apply. Bounded by argon2id (19 MiB, t=2): the
// figure to compare is logins/s against hashes/s per core.
import autocannon from 'autocannon';
import { BENCH_PASSWORD, createAccounts, SIGN_IN_BENCH_ENV } from '../accounts.ts';
import { summarize } from '../report.ts';
import { startBenchServer, stopBenchServer } from '../server.ts';

export async function login(): Promise<Record<string, unknown>> {
  const server = await startBenchServer(SIGN_IN_BENCH_ENV);
  try {
    const emails = await createAccounts(server.url, 600);
    let i = 0;
    const result = await autocannon({
      url: `${server.url}/v1/sessions`,
      connections: 8,
      duration: 10,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ identifier: emails[i++ % emails.length], password: BENCH_PASSWORD }),
          }),
        },
      ],
    });
    const { requestsPerSecond, ...rest } = summarize(result, 8, 10);
    return { accounts: emails.length, loginsPerSecond: requestsPerSecond, ...rest };
  } finally {
    await stopBenchServer(server);
  }
}
