// Bounds measured earlier in the same run: the Fastify hello-world ceiling and
// argon2id's verify and hash rates on this machine. A scenario reports its
// figure as a ratio to one of them, so a noisy or slower machine still gives
// numbers comparable with another run's.

export type BoundName = 'ceilingRequestsPerSecond' | 'argon2VerifyPerSecond' | 'argon2HashPerSecond';

const bounds = new Map<BoundName, number>();

export function recordBound(name: BoundName, value: number): void {
  bounds.set(name, value);
}

/** `value` over the bound, to three decimals; null when the bound was not measured in this run. */
export function ratioTo(name: BoundName, value: number): number | null {
  const bound = bounds.get(name);
  if (bound === undefined || bound <= 0) return null;
  return Math.round((value / bound) * 1000) / 1000;
}
