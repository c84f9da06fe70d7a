// A made-up follow graph over the seeded people of bench/search-data.ts, for
// the social benchmark. Who follows whom is decided here, deterministically
// (a PRNG with a fixed seed), as person numbers; bench/seed-graph.ts turns
// them into rows.
//
// Followers are skewed the way social graphs are: person r gets a share of
// the edges proportional to 1/(r+1) (Zipf), so person 0, the "celebrity",
// has about 83,000 of 1,000,000 edges at 100,000 people, a handful of others
// tens of thousands, and the long tail one or two. Following is skewed too:
// a few very active people follow hundreds, most a few. 2% of people (none of
// the first thousand) are private: their followers asked first and were
// accepted later, and each has 1 to 4 requests still pending.
import { prng } from './search-data.ts';

// The landmarks below have verified addresses (seedPerson's emailVerified), as
// the scenario's lists and follow targets need.

/** The best-followed person. */
export const CELEBRITY = 0;
/** Ordinary people, by person number: about 28 and about 3 followers at 100,000 people and 1,000,000 edges. */
export const ORDINARY = [3_000, 30_000] as const;

const PRIVATE_SHARE = 0.02;
/** Nobody among the best-followed thousand is private. */
const PUBLIC_HEAD = 1_000;
/** Accepted follows are spread over two years, more of them recently. */
const SPAN_MS = 730 * 86_400_000;
/** Pending requests were asked within the last 30 days. */
const PENDING_SPAN_MS = 30 * 86_400_000;

export interface FollowGraph {
  readonly people: number;
  /** Accepted edges (the first `accepted` entries) then pending requests. */
  readonly accepted: number;
  readonly requested: number;
  readonly follower: Int32Array;
  readonly followee: Int32Array;
  /** When asked, in ms before the seeding instant. */
  readonly askedAgo: Float64Array;
  /** When accepted, in ms before the seeding instant; NaN while pending. */
  readonly sinceAgo: Float64Array;
  /** Person numbers of the private accounts. */
  readonly privates: readonly number[];
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Followers per person: Zipf over person numbers, at most people - 1 each, summing to `edges`. */
export function inDegrees(people: number, edges: number): Int32Array {
  let total = 0;
  for (let r = 0; r < people; r++) total += 1 / (r + 1);
  const degree = new Int32Array(people);
  let left = edges;
  for (let r = 0; r < people; r++) {
    degree[r] = Math.min(people - 1, Math.floor((edges * (1 / (r + 1))) / total));
    left -= degree[r]!;
  }
  // What flooring and the cap left over, one more follower each from the head down.
  for (let r = 0; left > 0; r = (r + 1) % people) {
    if (degree[r]! < people - 1) {
      degree[r]!++;
      left--;
    }
  }
  return degree;
}

export function followGraph(people: number, edges: number): FollowGraph {
  if (people < 2 || edges > (people * (people - 1)) / 4) {
    throw new Error(`${edges} edges do not fit ${people} people (at most a quarter of all pairs)`);
  }
  const rand = prng(0x50c1a1);
  const degree = inDegrees(people, edges);

  // Activity order: person act(a) is the a-th most active follower, a
  // bijection (multiplier prime to the count) that is not the popularity order.
  let mult = 7_919;
  while (gcd(mult, people) !== 1) mult++;
  const act = (a: number) => (a * mult + 12_345) % people;
  const activeFollower = () => act(Math.floor(people * rand() ** 1.5));

  const privates = new Set<number>();
  for (let i = PUBLIC_HEAD; i < people; i++) {
    if (rand() < PRIVATE_SHARE && !(ORDINARY as readonly number[]).includes(i)) privates.add(i);
  }
  let pendingCount = 0;
  const pendingOf = new Map<number, number>();
  for (const p of privates) {
    const n = 1 + Math.floor(rand() * 4);
    pendingOf.set(p, n);
    pendingCount += n;
  }

  const total = edges + pendingCount;
  const follower = new Int32Array(total);
  const followee = new Int32Array(total);
  const askedAgo = new Float64Array(total);
  const sinceAgo = new Float64Array(total);
  let e = 0;
  let p = edges; // pending requests go after the accepted edges

  for (let r = 0; r < people; r++) {
    const d = degree[r]!;
    const taken = new Set<number>();
    const take = (f: number) => {
      taken.add(f);
      follower[e] = f;
      followee[e] = r;
      const since = SPAN_MS * rand() ** 2;
      sinceAgo[e] = since;
      // A private account's followers asked first; it accepted minutes to days later.
      askedAgo[e] = privates.has(r) ? since + 60_000 + rand() * 3 * 86_400_000 : since;
      e++;
    };
    // A stride through everyone, from a random start: distinct followers, none of them r.
    const walk = (want: number) => {
      let stride = 1 + Math.floor(rand() * (people - 1));
      while (gcd(stride, people) !== 1) stride = (stride % (people - 1)) + 1;
      const start = Math.floor(rand() * people);
      for (let k = 0; k < people && taken.size < want; k++) {
        const f = (start + k * stride) % people;
        if (f !== r && !taken.has(f)) take(f);
      }
    };
    if (d > people / 8) {
      walk(d); // popular: followed by a good part of everyone, evenly
    } else {
      for (let attempts = 30 * d + 100; taken.size < d && attempts > 0; attempts--) {
        const f = activeFollower();
        if (f !== r && !taken.has(f)) take(f);
      }
      if (taken.size < d) walk(d);
    }
    for (let n = pendingOf.get(r) ?? 0; n > 0; ) {
      const f = Math.floor(rand() * people);
      if (f === r || taken.has(f)) continue;
      taken.add(f);
      follower[p] = f;
      followee[p] = r;
      askedAgo[p] = PENDING_SPAN_MS * rand();
      sinceAgo[p] = Number.NaN;
      p++;
      n--;
    }
  }
  if (e !== edges || p !== total) throw new Error(`graph: ${e} of ${edges} edges, ${p} of ${total} rows`);
  return {
    people,
    accepted: edges,
    requested: pendingCount,
    follower,
    followee,
    askedAgo,
    sinceAgo,
    privates: [...privates],
  };
}
