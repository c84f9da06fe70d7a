// Checking a password against the stored hash, for a sign-in and for a
// signed-in user's sensitive change. An unknown or deleted account runs the
// same statements (its credential looked up against a nil id) and a dummy
// argon2 verification, so neither the reply nor its timing tells it apart.
// A hash made with outdated parameters is replaced after a correct password.
import type { Clock } from '../../platform/clock.ts';
import type { PasswordHasher } from '../../platform/crypto/password-hasher.ts';
import type { Executor } from '../../platform/db/executor.ts';
import type { User } from '../users/index.ts';
import { setPassword } from './credential-store.ts';
import { findCredential } from './credentials.repository.ts';
import type { PasswordLockout } from './password-lockout.ts';

/** Matches no account: unknown names look their credential up too, so both paths run the same statements. */
const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000';

export interface PasswordCheck {
  /** The stored password hash of an account; null for an unknown or deleted one (after the same query). */
  storedHash(user: User | null): Promise<string | null>;
  /** The hash as stored afterwards (rehashed when outdated), or null when the password is wrong. */
  matches(user: User | null, hash: string | null, password: string): Promise<string | null>;
  /** A signed-in user's password, for a sensitive change, under a lockout of its own. */
  verifySignedIn(user: User, password: string, ip: string): Promise<boolean>;
}

export function createPasswordCheck(deps: {
  readonly db: Executor;
  readonly clock: Clock;
  readonly hasher: PasswordHasher;
  readonly lockout: PasswordLockout;
}): PasswordCheck {
  const { db, clock, hasher, lockout } = deps;

  async function storedHash(user: User | null): Promise<string | null> {
    const account = user && user.status !== 'deleted' ? user : null;
    const hash = await findCredential(db, account?.id ?? NO_ACCOUNT, 'password');
    return account ? hash : null;
  }

  async function matches(user: User | null, hash: string | null, password: string): Promise<string | null> {
    if (!user || !hash) {
      await hasher.verifyDummy(password);
      return null;
    }
    const result = await hasher.verify(hash, password);
    if (!result.ok) return null;
    if (!result.needsRehash) return hash;
    const rehashed = await hasher.hash(password);
    await setPassword(db, user.id, rehashed, clock.now().toISOString());
    return rehashed;
  }

  return {
    storedHash,
    matches,
    /**
     * Counted before the check under the same two lockouts as sign-in, keyed
     * by the account: 10 wrong per client address, 100 over every address. A
     * thief with a stolen token who guesses from one place locks only that
     * place out.
     */
    async verifySignedIn(user, password, ip) {
      const admission = await lockout.admit({ name: `user:${user.id}`, ip, device: null });
      let ok: boolean;
      try {
        ok = (await matches(user, await storedHash(user), password)) !== null;
      } catch (error) {
        // Not judged (e.g. shed by the busy hasher): not a failure.
        await lockout.release(admission);
        throw error;
      }
      if (ok) await lockout.succeeded(admission);
      return ok;
    },
  };
}
