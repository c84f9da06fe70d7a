// The accounts module as the composition root builds it: registration,
// verification and erasure for users, the operator's actions, and the
// periodic purge of sign-ups nobody verified (off the request path).
import type { Platform } from '../../platform/platform.ts';
import type { Reauthenticator } from '../credentials/index.ts';
import type { InvitesService } from '../invites/index.ts';
import type { OtpService } from '../otp/index.ts';
import type { SessionsService } from '../sessions/index.ts';
import type { User, UsersService } from '../users/index.ts';
import { createAccountsService, type SignupPhoto, VERIFY_CODE_MINUTES } from './accounts.service.ts';
import { createOperatorService } from './operator.service.ts';
import { createSignupProof } from './signup-proof.ts';
import { createStandingService } from './standing.service.ts';

/** Unverified sign-ups older than ROSTER_UNVERIFIED_TTL are purged this often. */
export const PURGE_EVERY_MS = 60 * 60_000;

export interface AccountsModuleDeps {
  readonly users: UsersService;
  readonly invites: InvitesService;
  readonly otp: OtpService;
  readonly sessions: SessionsService;
  /** Re-checks a password under the sign-in lockout (credentials module). */
  readonly verifyPassword: (user: User, password: string, ip: string) => Promise<boolean>;
  /** Read at request time (the reauthenticator and the modules it asks are made around this one). */
  readonly reauth: () => Reauthenticator;
  /** Read at request time (the media module is made after this one). */
  readonly signupPhoto: () => SignupPhoto;
}

export function createAccountsModule(p: Platform, deps: AccountsModuleDeps) {
  const { config, clock, logger } = p;
  const accounts = createAccountsService({
    ...p,
    ...deps,
    admission: deps.invites,
    signupProof: createSignupProof(p.keys('signup-proof'), VERIFY_CODE_MINUTES * 60),
    config: {
      requireEmailVerification: config.requireEmailVerification,
      publicUrl: config.publicUrl,
      passwordMinLength: config.passwordMinLength,
      phoneDefaultRegion: config.phoneDefaultRegion,
      unverifiedTtlSeconds: config.unverifiedTtlSeconds,
    },
  });
  const operator = createOperatorService({
    ...p,
    ...deps,
    admission: deps.invites,
    accounts,
    passwordMinLength: config.passwordMinLength,
  });
  const standing = createStandingService({
    ...p,
    users: deps.users,
    config: {
      roles: config.standing.roles,
      accountTypes: config.standing.accountTypes,
      subscriptionTiers: config.standing.subscriptionTiers,
    },
  });
  let stopPurge: (() => void) | undefined;

  return {
    accounts,
    operator,
    standing,
    start(): void {
      stopPurge = clock.every(PURGE_EVERY_MS, async () => {
        try {
          const purged = await accounts.purgeUnverified();
          if (purged > 0) logger.info({ purged }, 'unverified sign-ups purged');
        } catch (err) {
          logger.warn({ err }, 'unverified sign-ups not purged');
        }
      });
    },
    stop(): void {
      stopPurge?.();
    },
  };
}
