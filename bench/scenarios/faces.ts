// Reads of the current user through every face, against the native
// `GET /v1/me` in the same run: the seed surfaces' own reads (seed 001's
// `GET /api/v1/me`, seed 002's `GET /user/me`, seed 003's `GET /v1/account`)
// with the native bearer token, and reads with an OAuth access token an app
// got through the hosted sign-in (`GET /v1/me`, `GET /user/me`, and the
// provider's userinfo). Each read runs in turn for 2 s at the `me` load, four
// rounds over all of them, so a machine that drifts moves every read alike;
// each read's ratio is its requests over the native read's, all rounds summed.
// `BENCH_FACES=seed003Account` runs only the reads named, with the native one.
import autocannon from 'autocannon';
import { freePort } from '../../test/helpers/oidc.ts';
import { cleanEnv } from '../../test/helpers/spawn-server.ts';
import { createAccounts, SIGN_IN_BENCH_ENV, signIn } from '../accounts.ts';
import { HTTP_LOAD } from '../report.ts';
import { startBenchServer, stopBenchServer } from '../server.ts';
import { oauthSignIn, registerSoakClient } from '../soak-oauth.ts';

const ROUNDS = 4;
const SECONDS = 2;

interface Read {
  readonly name: string;
  readonly path: string;
  readonly token: 'native' | 'oauth';
}

const ALL_READS: readonly Read[] = [
  { name: 'v1Me', path: '/v1/me', token: 'native' },
  { name: 'seed001Me', path: '/api/v1/me', token: 'native' },
  { name: 'seed002Me', path: '/user/me', token: 'native' },
  { name: 'seed003Account', path: '/v1/account', token: 'native' },
  { name: 'oauthV1Me', path: '/v1/me', token: 'oauth' },
  { name: 'oauthSeed002Me', path: '/user/me', token: 'oauth' },
  { name: 'oauthUserinfo', path: '', token: 'oauth' }, // the discovery document's userinfo_endpoint
];
/** `BENCH_FACES=v1Me,seed003Account` runs only the reads named (to profile one, say). */
const only = process.env.BENCH_FACES?.split(',');
const READS = only ? ALL_READS.filter((r) => r.name === 'v1Me' || only.includes(r.name)) : ALL_READS;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? null;

async function oauthAccessToken(server: Awaited<ReturnType<typeof startBenchServer>>, email: string) {
  const signInThroughApp = oauthSignIn(server.url, registerSoakClient(server.cwd, cleanEnv(server.env)));
  const answer = await signInThroughApp(email);
  const token = (answer.body as { access_token?: string } | null)?.access_token;
  if (answer.status !== 200 || !token) throw new Error(`OAuth sign-in answered ${answer.status}`);
  return token;
}

export async function faces(): Promise<Record<string, unknown>> {
  // A fixed port, so the issuer (PUBLIC_URL) is the address the OAuth sign-in calls.
  const port = await freePort();
  const server = await startBenchServer({
    ...SIGN_IN_BENCH_ENV,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  });
  try {
    const [email] = await createAccounts(server.url, 1);
    const tokens = { native: (await signIn(server.url, email!)).accessToken, oauth: '' };
    tokens.oauth = await oauthAccessToken(server, email!);
    const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as {
      userinfo_endpoint: string;
    };
    const urlOf = (read: Read) => (read.path ? `${server.url}${read.path}` : discovery.userinfo_endpoint);
    const load = (read: Read, connections: number, duration: number) =>
      autocannon({
        url: urlOf(read),
        headers: { authorization: `Bearer ${tokens[read.token]}` },
        connections,
        duration,
      });

    // Each read answers 200 before it is loaded, and warms up.
    for (const read of READS) {
      const res = await fetch(urlOf(read), { headers: { authorization: `Bearer ${tokens[read.token]}` } });
      if (res.status !== 200) throw new Error(`${read.name} answered ${res.status}: ${await res.text()}`);
      await load(read, 10, 1);
    }
    const runs = new Map(READS.map((r) => [r.name, [] as autocannon.Result[]]));
    for (let round = 0; round < ROUNDS; round++)
      for (const read of READS) runs.get(read.name)!.push(await load(read, HTTP_LOAD.connections, SECONDS));

    const total = (name: string) => runs.get(name)!.reduce((sum, r) => sum + r.requests.total, 0);
    const native = total('v1Me');
    const figures = Object.fromEntries(
      READS.map((read) => {
        const results = runs.get(read.name)!;
        return [
          read.name,
          {
            path: read.path || new URL(discovery.userinfo_endpoint).pathname,
            token: read.token,
            requestsPerSecond: Math.round(total(read.name) / (ROUNDS * SECONDS)),
            ratioToNative: native > 0 ? Math.round((total(read.name) / native) * 1000) / 1000 : null,
            latencyP50Ms: median(results.map((r) => r.latency.p50)),
            latencyP99Ms: median(results.map((r) => r.latency.p99)),
            non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
            errors: results.reduce((sum, r) => sum + r.errors, 0),
          },
        ];
      }),
    );
    return { connections: HTTP_LOAD.connections, rounds: ROUNDS, secondsEach: SECONDS, reads: figures };
  } finally {
    await stopBenchServer(server);
  }
}
