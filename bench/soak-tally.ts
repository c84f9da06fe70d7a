// Counting the soak's requests: per kind, what each one came to (a 2xx, a 4xx
// the traffic never asks for, a 5xx, a client timeout, a network error, or not
// sent because no account was free) and how long the answered ones took.
import { percentile } from './search-queries.ts';
import { type Answer, KINDS, type Kind } from './soak-traffic.ts';

export const OUTCOMES = ['successes', 'status4xx', 'status5xx', 'timeouts', 'errors', 'skipped'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface KindTally {
  counts: Record<Outcome, number>;
  /** Milliseconds of every answered request, whatever its status. */
  latencies: number[];
}
export type Tally = Record<Kind, KindTally>;

const zeros = () => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;

export function newTally(): Tally {
  return Object.fromEntries(KINDS.map((k) => [k, { counts: zeros(), latencies: [] as number[] }])) as Tally;
}

export function outcomeOf(answer: Answer): Outcome {
  if (answer.status >= 200 && answer.status < 300) return 'successes';
  if (answer.status >= 400 && answer.status < 500) return 'status4xx';
  if (answer.status >= 500) return 'status5xx';
  return 'errors';
}

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

export function merge(tallies: readonly Tally[]): Tally {
  const all = newTally();
  for (const t of tallies)
    for (const k of KINDS) {
      for (const o of OUTCOMES) all[k].counts[o] += t[k].counts[o];
      all[k].latencies.push(...t[k].latencies);
    }
  return all;
}

const ms = (samples: readonly number[], p: number) => (samples.length > 0 ? percentile(samples, p) : null);

/** One kind's figures: requests (sent), each outcome, p50/p99/max of the answered ones. */
function kindFigures(t: KindTally) {
  const { skipped, ...sent } = t.counts;
  return {
    requests: Object.values(sent).reduce((a, b) => a + b, 0),
    ...t.counts,
    skipped,
    p50Ms: ms(t.latencies, 50),
    p99Ms: ms(t.latencies, 99),
    maxMs: ms(t.latencies, 100),
  };
}

/** All kinds together, then each kind. */
export function figures(t: Tally) {
  const kinds = Object.fromEntries(KINDS.map((k) => [k, kindFigures(t[k])])) as Record<
    Kind,
    ReturnType<typeof kindFigures>
  >;
  const sum = (field: Outcome | 'requests') => KINDS.reduce((a, k) => a + kinds[k][field], 0);
  return {
    requests: sum('requests'),
    ...(Object.fromEntries(OUTCOMES.map((o) => [o, sum(o)])) as Record<Outcome, number>),
    p99Ms: ms(
      KINDS.flatMap((k) => t[k].latencies),
      99,
    ),
    kinds,
  };
}

/** The few fields a per-minute line shows for a kind. */
export function compactKinds(f: ReturnType<typeof figures>) {
  return Object.fromEntries(
    KINDS.map((k) => {
      const { requests, successes, status4xx, status5xx, timeouts, errors, skipped, p99Ms } = f.kinds[k];
      return [k, { requests, successes, status4xx, status5xx, timeouts, errors, skipped, p99Ms }];
    }),
  );
}
