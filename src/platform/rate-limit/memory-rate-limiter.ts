// Counters in this process: the default for a single node. Every operation
// runs synchronously between awaits, so concurrent calls are atomic. Time comes
// from the injected Clock, so tests move it with ManualClock.
import type { Clock } from '../clock.ts';
import { ExpiringMap } from './expiring-map.ts';
import { blockMs, type ResolvedFailurePolicy, resolveFailurePolicy } from './failure-backoff.ts';
import type {
  FailureCounter,
  FailurePolicy,
  LockoutStatus,
  RateLimiter,
  RateLimitResult,
  WindowRule,
} from './rate-limiter.ts';
import { cooldownMs, slideWindow, toRetryAfterSeconds, type WindowState } from './sliding-window.ts';

export interface MemoryRateLimiterOptions {
  readonly maxEntries?: number; // per kind; default 100_000
  readonly sweepIntervalMs?: number; // default 60_000 (1 min)
}

interface FailureState {
  readonly failures: number;
  readonly blockedUntil: number;
}

const NOT_BLOCKED: LockoutStatus = Object.freeze({ blocked: false, retryAfterSeconds: 0 });

export class MemoryRateLimiter implements RateLimiter {
  readonly failures: FailureCounter;
  readonly #clock: Clock;
  readonly #windows: ExpiringMap<WindowState>;
  readonly #failureStates: ExpiringMap<FailureState>;
  /** Cooldown end (ms) per key. */
  readonly #cooldowns: ExpiringMap<number>;

  constructor(clock: Clock, options: MemoryRateLimiterOptions = {}) {
    const mapOptions = {
      maxEntries: options.maxEntries ?? 100_000,
      sweepIntervalMs: options.sweepIntervalMs ?? 60_000,
    };
    this.#clock = clock;
    this.#windows = new ExpiringMap(mapOptions);
    this.#failureStates = new ExpiringMap(mapOptions);
    this.#cooldowns = new ExpiringMap(mapOptions);
    this.failures = new MemoryFailureCounter(clock, this.#failureStates);
  }

  async consume(key: string, rule: WindowRule): Promise<RateLimitResult> {
    const now = this.#clock.now().getTime();
    // The window size is part of the key so two rules on one key never mix counts.
    const mapKey = `${rule.windowSeconds}:${key}`;
    const decision = slideWindow(this.#windows.get(mapKey, now), now, rule);
    if (!decision.allowed)
      return { allowed: false, remaining: 0, retryAfterSeconds: toRetryAfterSeconds(decision.waitMs) };
    this.#windows.set(mapKey, decision.next, now + decision.ttlMs, now);
    return { allowed: true, remaining: decision.remaining, retryAfterSeconds: 0 };
  }

  async cooldown(key: string, seconds: number): Promise<RateLimitResult> {
    const ms = cooldownMs(seconds);
    const now = this.#clock.now().getTime();
    const mapKey = `${seconds}:${key}`;
    const until = this.#cooldowns.get(mapKey, now);
    if (until !== undefined)
      return { allowed: false, remaining: 0, retryAfterSeconds: toRetryAfterSeconds(until - now) };
    this.#cooldowns.set(mapKey, now + ms, now + ms, now);
    return { allowed: true, remaining: 0, retryAfterSeconds: 0 };
  }

  /** Keys held, windows, failures and cooldowns together; for tests of the memory bound. */
  get size(): number {
    return this.#windows.size + this.#failureStates.size + this.#cooldowns.size;
  }
}

class MemoryFailureCounter implements FailureCounter {
  readonly #clock: Clock;
  readonly #states: ExpiringMap<FailureState>;

  constructor(clock: Clock, states: ExpiringMap<FailureState>) {
    this.#clock = clock;
    this.#states = states;
  }

  async check(key: string): Promise<LockoutStatus> {
    const now = this.#clock.now().getTime();
    return status(this.#states.get(key, now), now);
  }

  async reserve(key: string, policy?: FailurePolicy): Promise<LockoutStatus> {
    const resolved = resolveFailurePolicy(policy);
    const now = this.#clock.now().getTime();
    const previous = this.#states.get(key, now);
    // Check and count in one synchronous step: no other call can run between them.
    if (previous !== undefined && previous.blockedUntil > now) return status(previous, now);
    this.#count(key, previous, resolved, now);
    return NOT_BLOCKED;
  }

  async release(key: string, policy?: FailurePolicy): Promise<void> {
    const resolved = resolveFailurePolicy(policy);
    const now = this.#clock.now().getTime();
    const previous = this.#states.get(key, now);
    if (previous === undefined || previous.failures <= 0) return;
    const failures = previous.failures - 1;
    const blockedUntil = failures < resolved.freeAttempts ? 0 : previous.blockedUntil;
    this.#states.set(
      key,
      { failures, blockedUntil },
      Math.max(now + resolved.forgetAfterMs, blockedUntil),
      now,
    );
  }

  async recordFailure(key: string, policy?: FailurePolicy): Promise<LockoutStatus> {
    const resolved = resolveFailurePolicy(policy);
    const now = this.#clock.now().getTime();
    return status(this.#count(key, this.#states.get(key, now), resolved, now), now);
  }

  #count(
    key: string,
    previous: FailureState | undefined,
    policy: ResolvedFailurePolicy,
    now: number,
  ): FailureState {
    const failures = (previous?.failures ?? 0) + 1;
    const block = blockMs(failures, policy);
    // A failure never shortens a block already in force.
    const blockedUntil = Math.max(previous?.blockedUntil ?? 0, block > 0 ? now + block : 0);
    const state = { failures, blockedUntil };
    this.#states.set(key, state, Math.max(now + policy.forgetAfterMs, blockedUntil), now);
    return state;
  }

  async reset(key: string): Promise<void> {
    this.#states.delete(key);
  }
}

function status(state: FailureState | undefined, now: number): LockoutStatus {
  if (state === undefined || state.blockedUntil <= now) return NOT_BLOCKED;
  return { blocked: true, retryAfterSeconds: toRetryAfterSeconds(state.blockedUntil - now) };
}
