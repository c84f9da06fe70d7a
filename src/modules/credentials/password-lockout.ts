// Which lockout judges a password attempt, so that ten wrong passwords from
// one place do not lock the owner out everywhere:
// - from a known device (device-token.ts): that device's own failures only;
// - otherwise: the failures of this sign-in name from this client address
//   (10, then a growing block), and a much higher ceiling for the name over
//   every address (100), which still stops a guesser spread over many.
// Every key is the sign-in name as typed (`email:…` or `username:…`, known or
// not), never the account: a key per account would let a lockout reached
// through a public username tell which email belongs to it, and an unknown
// name locks exactly like a real one. Each attempt is counted before the
// password is checked (FailureCounter.reserve), so parallel guesses cannot
// get more evaluations than the lockouts allow.
import { ipKey } from '../../platform/rate-limit/ip-key.ts';
import { enforce } from '../../platform/rate-limit/rate-limit.errors.ts';
import type { FailureCounter, FailurePolicy } from '../../platform/rate-limit/rate-limiter.ts';
import { LOGIN_LOCKOUT, LOGIN_NAME_LOCKOUT } from './credentials.limits.ts';
import type { Device } from './device-token.ts';

const nameKey = (name: string) => `login:${name}`;
const clientKey = (name: string, ip: string) => `login:${name}:ip:${ipKey(ip)}`;
const deviceKey = (device: Device) => `login:device:${device.nonce}`;

/** The counts an admitted attempt reserved. */
export type Admission = readonly { readonly key: string; readonly policy: FailurePolicy }[];

export interface PasswordLockout {
  /** Throws rate_limited when the attempt may not be checked; otherwise counts it. */
  admit(attempt: { name: string; ip: string; device: Device | null }): Promise<Admission>;
  /** A correct password: clears the counts. */
  succeeded(admission: Admission): Promise<void>;
  /** The password could not be checked (the hasher shed it): the attempt does not count. */
  release(admission: Admission): Promise<void>;
  /** A new password (a reset): lifts the names' lockouts, everywhere and from this address. */
  lift(names: readonly string[], ip: string): Promise<void>;
}

export function createPasswordLockout(failures: FailureCounter): PasswordLockout {
  return {
    async admit({ name, ip, device }) {
      if (device) {
        enforce(await failures.reserve(deviceKey(device), LOGIN_LOCKOUT), 'login lockout (device)');
        return [{ key: deviceKey(device), policy: LOGIN_LOCKOUT }];
      }
      // Refused first without counting anything of this address's.
      enforce(await failures.check(nameKey(name)), 'login lockout (every address)');
      const client = { key: clientKey(name, ip), policy: LOGIN_LOCKOUT };
      enforce(await failures.reserve(client.key, client.policy), 'login lockout (address)');
      const everywhere = { key: nameKey(name), policy: LOGIN_NAME_LOCKOUT };
      const status = await failures.reserve(everywhere.key, everywhere.policy);
      // Refused by the ceiling in a race after the check above: the address's count is taken back.
      if (status.blocked) await failures.release(client.key, client.policy);
      enforce(status, 'login lockout (every address)');
      return [client, everywhere];
    },
    async succeeded(admission) {
      for (const { key } of admission) await failures.reset(key);
    },
    async release(admission) {
      for (const { key, policy } of admission) await failures.release(key, policy);
    },
    async lift(names, ip) {
      for (const name of names) {
        await failures.reset(nameKey(name));
        await failures.reset(clientKey(name, ip));
      }
    },
  };
}
