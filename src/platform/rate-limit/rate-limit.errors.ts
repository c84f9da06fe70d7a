// The rate limiter's error: one code, `rate_limited` (429 with Retry-After,
// mapped in src/http/error-handler.ts). The definition is the shared one in
// platform/errors.ts so the code keeps a single title everywhere.
import { type DomainError, defineErrors, errorFactory } from '../domain-error.ts';
import { commonErrors } from '../errors.ts';
import type { LockoutStatus, RateLimitResult } from './rate-limiter.ts';

export const rateLimitErrors = defineErrors({
  rate_limited: commonErrors.rate_limited,
});

export const rateLimitError = errorFactory(rateLimitErrors);

/** A rate_limited error telling the caller how long to wait. */
export function rateLimited(retryAfterSeconds: number, internal?: string): DomainError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return rateLimitError('rate_limited', {
    detail: `Too many attempts; try again in ${seconds} second${seconds === 1 ? '' : 's'}`,
    retryAfter: seconds,
    ...(internal === undefined ? {} : { internal }),
  });
}

/**
 * Throws rate_limited when a window denied the request or a lockout is in
 * force: `enforce(await limiter.consume(key, rule))`. `internal` names the
 * rule in logs; it is never sent to the caller.
 */
export function enforce(result: RateLimitResult | LockoutStatus, internal?: string): void {
  const denied = 'allowed' in result ? !result.allowed : result.blocked;
  if (denied) throw rateLimited(result.retryAfterSeconds, internal);
}
