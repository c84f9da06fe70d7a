// Sign-ups, then sign-ins over the accounts they made: POST /v1/accounts and
// POST /v1/sessions with the right password, 8 connections for 8 s each,
// rotating over the accounts so per-account limits never apply. Both are
// bound by argon2id (19 MiB, t=2): sign-ups hash, sign-ins verify. Each rate
// is reported as a share of the `argon2` bound measured earlier in the run.
import autocannon from 'autocannon';
import { BENCH_PASSWORD, createAccounts, SIGN_IN_BENCH_ENV } from '../accounts.ts';
import { ratioTo } from '../bounds.ts';
import { summarize } from '../report.ts';
import { startBenchServer, stopBenchServer } from '../server.ts';

const CONNECTIONS = 8;
const SECONDS = 8;
/** Sign-ins rotate over at least this many accounts (topped up if the sign-up phase made fewer). */
const MIN_ACCOUNTS = 200;

const JSON_POST = { method: 'POST' as const, headers: { 'content-type': 'application/json' } };

export async function login(): Promise<Record<string, unknown>> {
  const server = await startBenchServer(SIGN_IN_BENCH_ENV);
  try {
    // Sign-ups: each connection remembers the address it sent, kept when answered 201.
    const emails: string[] = [];
    const run = Date.now();
    let n = 0;
    const signUps = await autocannon({
      url: `${server.url}/v1/accounts`,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          ...JSON_POST,
          setupRequest: (request, context) => {
            const email = `bench-signup-${run}-${n++}@example.com`;
            (context as { email?: string }).email = email;
            return { ...request, body: JSON.stringify({ email, password: BENCH_PASSWORD }) };
          },
          onResponse: (status, _body, context) => {
            const { email } = context as { email?: string };
            if (status === 201 && email) emails.push(email);
          },
        },
      ],
    });
    const signUp = summarize(signUps, CONNECTIONS, SECONDS);
    if (emails.length < MIN_ACCOUNTS)
      emails.push(...(await createAccounts(server.url, MIN_ACCOUNTS - emails.length)));

    let i = 0;
    const result = await autocannon({
      url: `${server.url}/v1/sessions`,
      connections: CONNECTIONS,
      duration: SECONDS,
      requests: [
        {
          ...JSON_POST,
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({ identifier: emails[i++ % emails.length], password: BENCH_PASSWORD }),
          }),
        },
      ],
    });
    const { requestsPerSecond, ...rest } = summarize(result, CONNECTIONS, SECONDS);
    return {
      accounts: emails.length,
      loginsPerSecond: requestsPerSecond,
      ratioToVerifyBound: ratioTo('argon2VerifyPerSecond', requestsPerSecond),
      ...rest,
      signUp: {
        signUpsPerSecond: signUp.requestsPerSecond,
        ratioToHashBound: ratioTo('argon2HashPerSecond', signUp.requestsPerSecond),
        latencyP50Ms: signUp.latencyP50Ms,
        latencyP99Ms: signUp.latencyP99Ms,
        non2xx: signUp.non2xx,
        status5xx: signUp.status5xx,
        errors: signUp.errors,
      },
    };
  } finally {
    await stopBenchServer(server);
  }
}
