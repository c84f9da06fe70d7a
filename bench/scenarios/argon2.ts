// The argon2id bound of this machine: verifications and hashes per second
// with the product's parameters (OWASP: 19 MiB, t=2, p=1) and its library
// (@node-rs/argon2's async API, on the libuv thread pool), one call in flight
// per core, as the server's hashing queue allows. `login` reports its rates
// as a share of these; no server runs meanwhile.
import { availableParallelism } from 'node:os';
import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { owaspArgon2idParams } from '../../src/platform/crypto/password-hasher.ts';
import { BENCH_PASSWORD } from '../accounts.ts';
import { recordBound } from '../bounds.ts';

const ARGON2ID = 2 as Algorithm; // Algorithm.Argon2id (a const enum)
const OPTIONS = { ...owaspArgon2idParams, algorithm: ARGON2ID };

/** Calls per second of `call` with `concurrency` in flight for `seconds`, and each call's mean ms. */
async function rate(call: () => Promise<unknown>, concurrency: number, seconds: number) {
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  let calls = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await call();
        calls++;
      }
    }),
  );
  return { calls, seconds: (performance.now() - t0) / 1000 };
}

/** Rounds of alternating verify and hash slices, so both see the machine in the same state. */
const ROUNDS = 4;
const SLICE_SECONDS = 1;

export async function argon2(): Promise<Record<string, unknown>> {
  const cores = availableParallelism();
  const stored = await hash(BENCH_PASSWORD, OPTIONS);
  const verifyOnce = async () => {
    if (!(await verify(stored, BENCH_PASSWORD))) throw new Error('argon2 verify failed');
  };
  const hashOnce = () => hash(BENCH_PASSWORD, OPTIONS);
  await rate(verifyOnce, cores, 1); // warm-up
  const oneCore = await rate(verifyOnce, 1, 2);
  const total = { verify: { calls: 0, seconds: 0 }, hash: { calls: 0, seconds: 0 } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [kind, call] of [
      ['verify', verifyOnce],
      ['hash', hashOnce],
    ] as const) {
      const r = await rate(call, cores, SLICE_SECONDS);
      total[kind].calls += r.calls;
      total[kind].seconds += r.seconds;
    }
  }
  const perSecond = (r: { calls: number; seconds: number }) => Math.round((r.calls / r.seconds) * 10) / 10;
  const msEach = (r: { calls: number; seconds: number }, n: number) =>
    Math.round(((r.seconds * 1000 * n) / r.calls) * 10) / 10;
  recordBound('argon2VerifyPerSecond', perSecond(total.verify));
  recordBound('argon2HashPerSecond', perSecond(total.hash));
  return {
    params: owaspArgon2idParams,
    concurrency: cores,
    verifyPerSecond: perSecond(total.verify),
    verifyMsEach: msEach(total.verify, cores),
    hashPerSecond: perSecond(total.hash),
    hashMsEach: msEach(total.hash, cores),
    verifyPerSecondOneCore: perSecond(oneCore),
    verifyMsEachOneCore: msEach(oneCore, 1),
  };
}
