// The password login strategy. An unknown identifier takes the same path as a
// wrong password (the same statements, a dummy argon2 verification, one audit
// row) and gets the same reply. Which lockout judges an attempt:
// password-lockout.ts; a browser's device cookie (device-token.ts) is judged
// by its own failures alone.
import type { Clock } from '../../../platform/clock.ts';
import type { Executor } from '../../../platform/db/executor.ts';
import type { RateGuard } from '../../../platform/rate-limit/rate-guard.ts';
import type { RequestContext } from '../../../platform/request-context.ts';
import { recordAudit } from '../../audit/index.ts';
import {
  findUserByEmail,
  findUserByUsername,
  normaliseUsername,
  parseIdentifier,
  type User,
} from '../../users/index.ts';
import { credentialError } from '../credentials.errors.ts';
import { LOGIN_PER_IP } from '../credentials.limits.ts';
import type { DeviceTokens } from '../device-token.ts';
import type { PasswordCheck } from '../password-check.ts';
import type { PasswordLockout } from '../password-lockout.ts';
import type { LoginStrategy } from './strategy.ts';

export interface PasswordLogin {
  readonly identifier: string;
  readonly password: string;
  /**
   * A username the account must hold besides (a face whose sign-in sends an
   * address and a username): another fails as a wrong password does.
   */
  readonly alsoUsername?: string | undefined;
  /** The device cookie the caller presented, if any. */
  readonly deviceToken: string | null;
}

/** The device cookie to set: renewed, or new after a correct password (null: keep the one presented). */
export interface DeviceCookie {
  readonly deviceToken: string | null;
}

export function createPasswordStrategy(deps: {
  readonly db: Executor;
  readonly clock: Clock;
  readonly guard: RateGuard;
  readonly passwords: PasswordCheck;
  readonly devices: DeviceTokens;
  readonly lockout: PasswordLockout;
  readonly requireEmailVerification: boolean;
}): LoginStrategy<PasswordLogin, DeviceCookie> {
  const { db, clock, guard, passwords, devices, lockout } = deps;

  async function findBySignInName(id: ReturnType<typeof parseIdentifier>): Promise<User | null> {
    if (id.kind === 'email') return findUserByEmail(db, id.value);
    if (id.kind === 'username') return findUserByUsername(db, id.value);
    return null;
  }

  return {
    method: 'password',
    async authenticate(input: PasswordLogin, context: RequestContext) {
      const { deviceToken } = input;
      const claimed = devices.claimedUser(deviceToken);
      if (!claimed) await guard.perIp('login', context.ip, LOGIN_PER_IP);
      const id = parseIdentifier(input.identifier);
      const user = await findBySignInName(id);
      const hash = await passwords.storedHash(user);
      // A known device is judged by its own failures alone, whatever others did from its address.
      const device = user && hash && claimed === user.id ? devices.verify(deviceToken, hash) : null;
      if (claimed && !device) await guard.perIp('login', context.ip, LOGIN_PER_IP);
      const admission = await lockout.admit({ name: `${id.kind}:${id.value}`, ip: context.ip, device });
      const current = await passwords.matches(user, hash, input.password).catch(async (error: unknown) => {
        // Not judged (e.g. shed by the busy hasher): not a failure.
        await lockout.release(admission);
        throw error;
      });
      // An address nobody has verified answers as a wrong password does: a
      // sign-up with somebody's address and a password of one's own, then a
      // sign-in with both, would otherwise tell a new address (403) from a
      // taken one (401). The attempt keeps its count, as a failure does.
      const matches =
        current !== null &&
        (input.alsoUsername === undefined || normaliseUsername(input.alsoUsername) === user!.username);
      const unverified =
        matches &&
        deps.requireEmailVerification &&
        user!.emailVerifiedAt === null &&
        user!.phoneVerifiedAt === null;
      if (!matches || unverified) {
        // One row for known and unknown names alike, without the name: the same work either way.
        await recordAudit(
          db,
          { type: 'login.failed', userId: user?.id ?? null, context, detail: { method: 'password' } },
          clock.now(),
        );
        throw credentialError('invalid_credentials');
      }
      await lockout.succeeded(admission);
      const known = user!;
      // Renewed when the hash changed (a rehash), so the device stays known.
      const renew = !device || current !== hash;
      return {
        user: known,
        amr: ['pwd'],
        extra: { deviceToken: renew ? devices.issue(known.id, current!) : deviceToken },
      };
    },
  };
}
