// The soak's traffic: twelve kinds of request a real client mix sends, each one
// HTTP request with a client timeout, over a pool of signed-in accounts. An
// operation that changes an account's tokens or follows holds that account
// while it runs, so a rotated refresh token is never presented twice (which
// would revoke the session, as it should) and follow state stays known.
import { BENCH_PASSWORD } from './accounts.ts';
import { prng } from './search-data.ts';

/** Every request gives up after this long; a give-up is a timeout, counted apart from errors. */
export const REQUEST_TIMEOUT_MS = 10_000;

export const KINDS = [
  'signUp',
  'login',
  'refresh',
  'getMe',
  'patchMe',
  'follow',
  'search',
  'avatar',
  'media',
  'exam',
  'seeds',
  'oauth',
  'readyz',
] as const;
export type Kind = (typeof KINDS)[number];

/** Operations per second of each kind: 30.7 in all, two and a half argon2id hashes a second among them. */
export const RATES: Record<Kind, number> = {
  signUp: 0.5,
  login: 1.5,
  refresh: 2,
  getMe: 8,
  patchMe: 2,
  follow: 4,
  search: 5,
  // A new avatar every five seconds (decoded, re-encoded, analysed for faces), read back twice a second.
  avatar: 0.2,
  media: 2,
  // The exam app on seed 004: an answered question recorded, the day's totals synced, its profile fields.
  exam: 2,
  // Apps written against seeds 001 and 002: the current user read and changed, a search page, a follow list.
  seeds: 2,
  // An app's sign-in through the hosted pages, code exchange, introspection and refresh (bench/soak-oauth.ts).
  oauth: 0.5,
  readyz: 1,
};

/**
 * A quiet spell closes every minute: from second 45 on only sign-ups,
 * sign-ins and /readyz arrive, as when people come back to an idle service.
 * Periodic work that the first request after a quiet spell sets off then runs
 * inside a sign-in's transaction, where a misuse of the database shows.
 */
export const QUIET_FROM_SECOND = 45;
const SENT_WHEN_QUIET: ReadonlySet<Kind> = new Set(['signUp', 'login', 'readyz']);

/** How many requests of a kind are due `second` seconds into the traffic (the first at 0). */
export function dueBy(kind: Kind, second: number): number {
  const rate = RATES[kind];
  if (SENT_WHEN_QUIET.has(kind)) return Math.floor(second * rate) + 1;
  // Paused kinds run on their own time, which stands still in the quiet spells.
  const minutes = Math.floor(second / 60);
  const within = second - minutes * 60;
  return within < QUIET_FROM_SECOND
    ? Math.floor((minutes * QUIET_FROM_SECOND + within) * rate) + 1
    : Math.ceil((minutes + 1) * QUIET_FROM_SECOND * rate);
}

export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

/** One request; rejects with a TimeoutError after REQUEST_TIMEOUT_MS (headers or body). */
export async function request(
  url: string,
  init: { method?: string; token?: string; body?: unknown; image?: Buffer } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.image !== undefined) headers['content-type'] = 'image/png';
  const payload = init.image ?? (init.body !== undefined ? JSON.stringify(init.body) : undefined);
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(payload !== undefined ? { body: payload } : {}),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the report
  }
  return { status: res.status, body };
}

export interface PoolAccount {
  readonly email: string;
  readonly userId: string;
  accessToken: string;
  /** Null after a refresh whose outcome is unknown (timed out, failed): the next login brings a new one. */
  refreshToken: string | null;
  busy: boolean;
  readonly following: Set<string>;
}

interface Tokens {
  accessToken: string;
  refreshToken: string;
}

function tokensOf(body: unknown): Tokens {
  const t = body as Partial<Tokens> | null;
  if (typeof t?.accessToken !== 'string' || typeof t.refreshToken !== 'string')
    throw new Error(`no tokens in ${JSON.stringify(body).slice(0, 200)}`);
  return { accessToken: t.accessToken, refreshToken: t.refreshToken };
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson'];
const WORDS = ['compilers', 'databases', 'networks', 'typography', 'kernels', 'graphs', 'proofs', 'caches'];
const TERMS = ['ada', 'hopper', 'turing', 'soak', 'compilers', 'graphs', 'lovelace grace', 'zzqx'];

export interface Traffic {
  readonly pool: PoolAccount[];
  /** Fills the pool with `count` new signed-in accounts, a few sign-ups at a time. */
  fillPool(count: number): Promise<void>;
  /** One request of the kind, or null when no pool account was free for it. */
  run(kind: Kind): Promise<Answer | null>;
}

export function soakTraffic(
  baseUrl: string,
  runId: string,
  photo: Buffer,
  oauthSignIn: (email: string) => Promise<Answer>,
): Traffic {
  const rand = prng(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const pool: PoolAccount[] = [];
  let signUps = 0;
  let exams = 0;
  /** Avatar paths set so far, newest last (older ones are deleted by their replacement). */
  const avatars: string[] = [];

  const signUp = async (): Promise<{ answer: Answer; account?: PoolAccount }> => {
    const n = signUps++;
    const email = `soak-${runId}-${n}@example.com`;
    const answer = await request(`${baseUrl}/v1/accounts`, {
      method: 'POST',
      body: {
        email,
        password: BENCH_PASSWORD,
        username: `soak_${runId}_${n}`,
        firstName: pick(FIRST),
        lastName: pick(LAST),
      },
    });
    if (answer.status !== 201) return { answer };
    const { user, session } = answer.body as { user: { id: string }; session?: unknown };
    const tokens = tokensOf(session);
    return {
      answer,
      account: { email, userId: user.id, ...tokens, busy: false, following: new Set() },
    };
  };

  /** A free account (held until `release`), or null. */
  const hold = (ok: (a: PoolAccount) => boolean = () => true): PoolAccount | null => {
    const start = Math.floor(rand() * pool.length);
    for (let i = 0; i < pool.length; i++) {
      const a = pool[(start + i) % pool.length]!;
      if (!a.busy && ok(a)) {
        a.busy = true;
        return a;
      }
    }
    return null;
  };
  const held = async (account: PoolAccount | null, work: (a: PoolAccount) => Promise<Answer>) => {
    if (!account) return null;
    try {
      return await work(account);
    } finally {
      account.busy = false;
    }
  };

  const kinds: Record<Kind, () => Promise<Answer | null>> = {
    signUp: async () => (await signUp()).answer,
    login: () =>
      held(hold(), async (a) => {
        const answer = await request(`${baseUrl}/v1/sessions`, {
          method: 'POST',
          body: { identifier: a.email, password: BENCH_PASSWORD },
        });
        if (answer.status === 200) Object.assign(a, tokensOf(answer.body));
        return answer;
      }),
    refresh: () =>
      held(
        hold((a) => a.refreshToken !== null),
        async (a) => {
          const presented = a.refreshToken;
          a.refreshToken = null;
          const answer = await request(`${baseUrl}/v1/sessions/refresh`, {
            method: 'POST',
            body: { refreshToken: presented },
          });
          if (answer.status === 200) Object.assign(a, tokensOf(answer.body));
          return answer;
        },
      ),
    getMe: () => request(`${baseUrl}/v1/me`, { token: pick(pool).accessToken }),
    patchMe: () => {
      const word = pick(WORDS);
      return request(`${baseUrl}/v1/me`, {
        method: 'PATCH',
        token: pick(pool).accessToken,
        body:
          rand() < 0.5
            ? { headline: `Works on ${word}` }
            : { bio: `Soak profile, into ${word} since ${Math.floor(rand() * 40) + 1980}.` },
      });
    },
    follow: () =>
      held(hold(), async (a) => {
        let target = pick(pool);
        while (target === a) target = pick(pool);
        const following = a.following.has(target.userId);
        const answer = await request(`${baseUrl}/v1/users/${target.userId}/follow`, {
          method: following ? 'DELETE' : 'POST',
          token: a.accessToken,
        });
        if (answer.status >= 200 && answer.status < 300) {
          if (following) a.following.delete(target.userId);
          else a.following.add(target.userId);
        }
        return answer;
      }),
    search: () =>
      request(`${baseUrl}/v1/users?${new URLSearchParams({ q: pick(TERMS), limit: '20' })}`, {
        token: pick(pool).accessToken,
      }),
    avatar: async () => {
      const answer = await request(`${baseUrl}/v1/me/avatar`, {
        method: 'PUT',
        token: pick(pool).accessToken,
        image: photo,
      });
      const url = (answer.body as { avatarUrl?: string } | null)?.avatarUrl;
      if (answer.status === 200 && url) avatars.push(new URL(url).pathname);
      return answer;
    },
    // The latest avatar, as a page of profiles shows them (404 only if it was replaced meanwhile).
    media: async () => {
      const path = avatars.at(-1);
      return path ? request(`${baseUrl}${path}`) : request(`${baseUrl}/readyz`);
    },
    exam: () => {
      const a = pick(pool);
      const roll = rand();
      if (roll < 0.5)
        return request(`${baseUrl}/v1/activity/events`, {
          method: 'POST',
          token: a.accessToken,
          body: {
            events: [
              {
                id: `soak-${runId}-${exams++}`,
                stream: 'mcq',
                scope: '1',
                kind: rand() < 0.7 ? 'first_attempt' : 'reattempt',
                correct: rand() < 0.6,
                at: new Date().toISOString(),
              },
            ],
          },
        });
      if (roll < 0.85)
        return request(`${baseUrl}/users/mcq-daily/sync?course_id=1&sync_from_epoch_ms=0`, {
          token: a.accessToken,
        });
      return request(`${baseUrl}/users/info`, {
        method: 'PATCH',
        token: a.accessToken,
        body: { attempt_number: Math.floor(rand() * 5) + 1, background_info: `Into ${pick(WORDS)}` },
      });
    },
    seeds: () => {
      const { accessToken: token } = pick(pool);
      const roll = rand();
      if (roll < 0.3) return request(`${baseUrl}/user/me`, { token });
      if (roll < 0.6) return request(`${baseUrl}/api/v1/me`, { token });
      if (roll < 0.7)
        return request(`${baseUrl}/api/v1/me`, {
          method: 'PATCH',
          token,
          body: { display_name: pick(WORDS) },
        });
      if (roll < 0.8)
        return request(`${baseUrl}/user/me`, { method: 'PATCH', token, body: { lastName: pick(WORDS) } });
      if (roll < 0.9)
        return request(`${baseUrl}/user/search?limit=10`, {
          method: 'POST',
          token,
          body: { query: pick(TERMS) },
        });
      return request(`${baseUrl}/user/followers?limit=20`, { token });
    },
    oauth: () => oauthSignIn(pick(pool).email),
    readyz: () => request(`${baseUrl}/readyz`),
  };

  return {
    pool,
    async fillPool(count) {
      let left = count;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (left-- > 0) {
            const { answer, account } = await signUp();
            if (!account)
              throw new Error(`sign-up answered ${answer.status}: ${JSON.stringify(answer.body)}`);
            pool.push(account);
          }
        }),
      );
    },
    run: (kind) => kinds[kind](),
  };
}
