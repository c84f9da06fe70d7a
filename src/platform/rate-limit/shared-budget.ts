// A budget many callers share (all SMS of the service, all codes to one
// number) that, once spent, does not close for everyone: while it lasts
// nobody is refused by it; when it is spent, a network that has itself sent
// only a few still gets through, up to a hard ceiling for everyone together.
// A flood from a few networks thus spends the budget and is refused, while a
// network sending its first codes (the owner, elsewhere) is not.
import type { RateLimiter, RateLimitResult, WindowRule } from './rate-limiter.ts';

export interface SharedBudget {
  /** Spent by everyone; nobody is refused by the budget while it lasts. */
  readonly soft: WindowRule;
  /** Once `soft` is spent: a network that has used at most this many (this request included) still passes... */
  readonly newcomerSends: number;
  /** ...until this ceiling, counted over every request the budget let through. */
  readonly hard: WindowRule;
}

/** How many of a rule's requests a consume answer says are used, the one just counted included. */
export function usedOf(rule: WindowRule, result: RateLimitResult): number {
  return result.allowed ? rule.limit - result.remaining : rule.limit;
}

/**
 * Spends one request of the budget at `key`. `networkUsed` is what the
 * caller's network has used of its own quota, this request included.
 */
export async function spendSharedBudget(
  limiter: RateLimiter,
  key: string,
  networkUsed: number,
  budget: SharedBudget,
): Promise<RateLimitResult> {
  const soft = await limiter.consume(`${key}:soft`, budget.soft);
  if (!soft.allowed && networkUsed > budget.newcomerSends) return soft;
  // Every request let through counts towards the ceiling, in the soft phase too.
  return limiter.consume(`${key}:hard`, budget.hard);
}
