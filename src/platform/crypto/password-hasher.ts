// Password hashing with argon2id (OWASP Password Storage Cheat Sheet: m=19 MiB,
// t=2, p=1). Hashes run on their own threads at a lower scheduling priority
// (see hashingThreads), so the event loop stays free and keeps its CPU when
// the cores are short; a bounded queue caps how much hashing can pile up, so
// a login storm gets fast `server_busy` (503) replies rather than timeouts.
import { availableParallelism } from 'node:os';
import type { Algorithm } from '@node-rs/argon2';
import type { Piscina } from 'piscina';
import { loadOnUse } from '../load-on-use.ts';
import type { Argon2Task } from './argon2-worker.ts';
import { type BoundedQueue, createBoundedQueue, type QueueStats } from './bounded-queue.ts';
import { cryptoError } from './crypto.errors.ts';
import { randomToken } from './tokens.ts';

export interface PasswordHashParams {
  /** KiB of memory per hash. */
  readonly memoryCost: number;
  /** Passes over memory. */
  readonly timeCost: number;
  /** Lanes; the hash is computed on one thread whatever this is. */
  readonly parallelism: number;
}

/** OWASP's first argon2id configuration: 19 MiB, 2 passes, 1 lane. */
export const owaspArgon2idParams: PasswordHashParams = Object.freeze({
  memoryCost: 19_456, // 19 MiB
  timeCost: 2,
  parallelism: 1,
});

export interface PasswordVerification {
  readonly ok: boolean;
  /** True only when `ok` and the stored hash uses other parameters or another algorithm. */
  readonly needsRehash: boolean;
}

export interface PasswordHasher {
  /** PHC string `$argon2id$v=19$m=…,t=…,p=…$salt$hash` of the NFC-normalised password. */
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<PasswordVerification>;
  /** Same work as a failed `verify`, for unknown accounts (no user enumeration by timing). */
  verifyDummy(password: string): Promise<void>;
  stats(): QueueStats;
}

export interface PasswordHasherOptions {
  /** Defaults to the OWASP parameters; tests elsewhere may pass cheaper ones. */
  readonly params?: PasswordHashParams;
  /** Defaults to one more than the CPU count (see hashingSlots). */
  readonly maxConcurrent?: number;
  /** Defaults to 32 × maxConcurrent (see below). */
  readonly maxQueued?: number;
}

// A const enum cannot be read under isolatedModules; 2 is Algorithm.Argon2id.
const ARGON2ID = 2 as Algorithm;
const ARGON2_VERSION = 19; // 0x13, the current and only recommended version
const PHC = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/**
 * Hashes run on their own threads, started on the first hash (an idle server
 * holds none) and kept; an idle one holds nothing that keeps the process up.
 *
 * They run at the lowest priority, nice 19 (Linux; elsewhere, or where the
 * optional @napi-rs/nice binding is missing, at the process's). With the
 * cores busy, the kernel then gives the event loop its CPU first, so reads
 * keep their rate and latency during a sign-up storm (on two cores: about
 * 70 % of their solo rate, against about 50 % at nice 10); with cores to
 * spare, hashing still takes all of them, so sign-ins run at argon2id's own
 * rate. A storm's sign-ups then wait longer for their hash (p99 about
 * 0.5 s), and beyond the queue they are shed with 503 as before.
 */
export const HASHING_NICE_INCREMENT = 19;

/**
 * One hash more in flight than there are cores: while the event loop answers
 * a finished hash and starts the next, the spare one keeps every core busy
 * (sign-ins on two cores went from about 80 to 90 % of argon2id's own rate).
 * More would only add latency to each.
 */
const hashingSlots = (): number => availableParallelism() + 1;

let hashingThreads: Piscina<Argon2Task, string | boolean> | undefined;
const hashingPool = (): Piscina<Argon2Task, string | boolean> => {
  hashingThreads ??= new (loadOnUse<typeof import('piscina')>('piscina').Piscina)({
    filename: new URL('./argon2-worker.ts', import.meta.url).href,
    minThreads: 0,
    maxThreads: hashingSlots(),
    idleTimeout: Number.POSITIVE_INFINITY,
    niceIncrement: HASHING_NICE_INCREMENT,
  });
  return hashingThreads;
};
const argon2Hash = async (password: string, options: PasswordHashParams & { algorithm: Algorithm }) =>
  (await hashingPool().run({ op: 'hash', password, ...options })) as string;
const argon2Verify = async (hash: string, password: string) =>
  (await hashingPool().run({ op: 'verify', hash, password })) as boolean;

/**
 * 32 waiting per running slot: a queued request then waits at most ~32 hash
 * times (~0.65 s at ~20 ms a hash) before running, which absorbs ordinary
 * bursts; a longer backlog would only turn into client timeouts, so it is
 * refused with a Retry-After instead. Waiting costs no memory worth counting
 * (argon2's 19 MiB is allocated only while a hash runs).
 */
const QUEUED_PER_SLOT = 32;

export interface ParsedPasswordHash {
  readonly algorithm: string;
  readonly version: number;
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

/** Reads the algorithm and parameters of an argon2 PHC string; null if it is not one. */
export function parsePasswordHash(hash: string): ParsedPasswordHash | null {
  const match = PHC.exec(hash);
  if (match === null) return null;
  // The pattern guarantees every group; the defaults only satisfy the checker.
  const [, algorithm = '', version = '', memoryCost = '', timeCost = '', parallelism = ''] = match;
  return {
    algorithm,
    version: Number(version),
    memoryCost: Number(memoryCost),
    timeCost: Number(timeCost),
    parallelism: Number(parallelism),
  };
}

// Composed and decomposed "é" must give the same hash, whatever keyboard or
// OS produced them.
const normalize = (password: string): string => password.normalize('NFC');

export function createPasswordHasher(options: PasswordHasherOptions = {}): PasswordHasher {
  const params = options.params ?? owaspArgon2idParams;
  const argon2Options = { ...params, algorithm: ARGON2ID };
  const maxConcurrent = options.maxConcurrent ?? hashingSlots();
  const queue: BoundedQueue = createBoundedQueue({
    maxConcurrent,
    maxQueued: options.maxQueued ?? QUEUED_PER_SLOT * maxConcurrent,
    onFull: () =>
      cryptoError('server_busy', { retryAfter: 1, internal: 'password hasher queue full; request shed' }),
  });

  const isCurrent = (parsed: ParsedPasswordHash): boolean =>
    parsed.algorithm === 'argon2id' &&
    parsed.version === ARGON2_VERSION &&
    parsed.memoryCost === params.memoryCost &&
    parsed.timeCost === params.timeCost &&
    parsed.parallelism === params.parallelism;

  const verify = async (hash: string, password: string): Promise<PasswordVerification> => {
    const parsed = parsePasswordHash(hash);
    // Not a bad password but bad data (e.g. an imported bcrypt hash); surface it.
    if (parsed === null) throw new Error('verify: stored password hash is not an argon2 PHC string');
    const ok = await queue.run(() => argon2Verify(hash, normalize(password)));
    return { ok, needsRehash: ok && !isCurrent(parsed) };
  };

  // Computed on first use with the current parameters, so a dummy verify costs
  // exactly what a real one does. A failed attempt (e.g. queue full) is retried.
  let dummyHash: Promise<string> | undefined;
  const getDummyHash = (): Promise<string> => {
    if (dummyHash === undefined) {
      const pending = queue.run(() => argon2Hash(randomToken(), argon2Options));
      pending.catch(() => {
        if (dummyHash === pending) dummyHash = undefined;
      });
      dummyHash = pending;
    }
    return dummyHash;
  };

  return {
    hash: (password) => queue.run(() => argon2Hash(normalize(password), argon2Options)),
    verify,
    async verifyDummy(password) {
      await verify(await getDummyHash(), password);
    },
    stats: () => queue.stats(),
  };
}
