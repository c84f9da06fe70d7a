// Creates verified accounts through the API for the sign-in scenarios
// (the server under test runs with email verification off).
export const BENCH_PASSWORD = 'bench passphrase that is long enough';

export async function createAccounts(baseUrl: string, count: number): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, i) => `bench-${i}-${Date.now()}@example.com`);
  const queue = [...emails];
  // A few at a time: each sign-up hashes a password.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let email = queue.shift(); email; email = queue.shift()) {
        const res = await fetch(`${baseUrl}/v1/accounts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: BENCH_PASSWORD }),
        });
        if (res.status !== 201) throw new Error(`sign-up answered ${res.status}: ${await res.text()}`);
      }
    }),
  );
  return emails;
}

/** Environment of a server under a sign-in benchmark: verified sign-ups, per-IP limits off (one client IP). */
export const SIGN_IN_BENCH_ENV = {
  ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false',
  ROSTER_RATE_LIMIT_IP_FACTOR: '0',
};

/** Signs in one of the accounts createAccounts made: its access token and user id. */
export async function signIn(
  baseUrl: string,
  email: string,
): Promise<{ accessToken: string; userId: string }> {
  const res = await fetch(`${baseUrl}/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: email, password: BENCH_PASSWORD }),
  });
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
  const { accessToken } = (await res.json()) as { accessToken: string };
  const me = await fetch(`${baseUrl}/v1/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  if (me.status !== 200) throw new Error(`GET /v1/me answered ${me.status}: ${await me.text()}`);
  const { id } = (await me.json()) as { id: string };
  return { accessToken, userId: id };
}

/**
 * Environment of a server under a benchmark of signed-in activity (searches,
 * follows): the per-user activity limits off, as a few accounts do it all.
 */
export const ACTIVITY_BENCH_ENV = { ROSTER_RATE_LIMIT_USER_FACTOR: '0' };

/**
 * A new account's GET against the server: the parsed body of a 200, an
 * error naming the path and the reply otherwise.
 */
export async function signedInGet(baseUrl: string): Promise<<T>(path: string) => Promise<T>> {
  const [email] = await createAccounts(baseUrl, 1);
  const { accessToken } = await signIn(baseUrl, email!);
  const headers = { authorization: `Bearer ${accessToken}` };
  return async <T>(path: string): Promise<T> => {
    const r = await fetch(`${baseUrl}${path}`, { headers });
    const body = await r.text();
    if (r.status !== 200) throw new Error(`GET ${path} answered ${r.status}: ${body}`);
    return JSON.parse(body) as T;
  };
}
