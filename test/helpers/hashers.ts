// Password hashers for tests. Test apps hash with `cheapHasher` unless a test
// asks for another (build-test-app.ts): the real argon2id hasher, its PHC
// format, verify, dummy verify and bounded queue, only with parameters that
// cost about a millisecond instead of OWASP's ~20 ms, so suites that sign up
// hundreds of accounts to test something else stay fast. Suites whose subject
// is hashing itself opt back into `productionHasher`.
import {
  createPasswordHasher,
  type PasswordHasher,
  type PasswordHashParams,
} from '../../src/platform/crypto/password-hasher.ts';

/** argon2id with 1 MiB and one pass: the same algorithm, a fraction of the cost. */
export const CHEAP_PARAMS: PasswordHashParams = Object.freeze({
  memoryCost: 1024,
  timeCost: 1,
  parallelism: 1,
});

export const cheapHasher = (): PasswordHasher => createPasswordHasher({ params: CHEAP_PARAMS });

/** The hasher production runs: OWASP parameters, default queue bounds. */
export const productionHasher = (): PasswordHasher => createPasswordHasher();

export interface CountingHasher extends PasswordHasher {
  readonly calls: { hash: number; verify: number; verifyDummy: number };
  resetCalls(): void;
}

/** Wraps a hasher and counts what the services ask of it. */
export function countingHasher(inner: PasswordHasher): CountingHasher {
  const calls = { hash: 0, verify: 0, verifyDummy: 0 };
  return {
    calls,
    resetCalls() {
      calls.hash = 0;
      calls.verify = 0;
      calls.verifyDummy = 0;
    },
    hash(password) {
      calls.hash++;
      return inner.hash(password);
    },
    verify(hash, password) {
      calls.verify++;
      return inner.verify(hash, password);
    },
    verifyDummy(password) {
      calls.verifyDummy++;
      return inner.verifyDummy(password);
    },
    stats: () => inner.stats(),
  };
}
