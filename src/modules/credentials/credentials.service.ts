// Passwords: the password login strategy (strategies/password.ts) and the
// step every strategy ends in (sign-in.ts), change, forgotten-password reset.
// A forgotten-password request does the same work for every address.

import type { Clock } from '../../platform/clock.ts';
import type { PasswordHasher } from '../../platform/crypto/password-hasher.ts';
import { checkPassword } from '../../platform/crypto/password-policy.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { commonError } from '../../platform/errors.ts';
import type { Hooks } from '../../platform/hooks.ts';
import { lazy } from '../../platform/lazy.ts';
import { changesUndone, passwordChanged } from '../../platform/mailer/templates/index.ts';
import type { JobQueue } from '../../platform/outbox/job-queue.ts';
import type { MailQueue } from '../../platform/outbox/mail-queue.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { lastMailboxProof, recordAudit } from '../audit/index.ts';
import type { OtpService } from '../otp/index.ts';
import { codeOrToken } from '../otp/index.ts';
import type { SecurityChanges } from '../security-changes/index.ts';
import type { LoginOutcome, PostLoginHook, Principal, SessionsService } from '../sessions/index.ts';
import {
  findUserByEmail,
  findUserById,
  normaliseEmail,
  type User,
  type UsersService,
  userError,
} from '../users/index.ts';
import { setPassword } from './credential-store.ts';
import { credentialError } from './credentials.errors.ts';
import { FORGOT_PER_ADDRESS, FORGOT_PER_IP, RESET_PER_IP } from './credentials.limits.ts';
import { deleteCredentials, findCredential } from './credentials.repository.ts';
import { createDeviceTokens } from './device-token.ts';
import { createPasswordCheck } from './password-check.ts';
import { createPasswordLockout } from './password-lockout.ts';
import { createPasswordResetSender, type PasswordResetJob } from './password-reset-mail.ts';
import { createSignIn } from './sign-in.ts';
import { createPasswordStrategy, type DeviceCookie } from './strategies/password.ts';

export { RESET_MINUTES } from './password-reset-mail.ts';

export interface CredentialsDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly hasher: PasswordHasher;
  readonly otp: OtpService;
  readonly sessions: SessionsService;
  readonly mail: MailQueue;
  /** Work off the request path (the password-reset look-up), run by the outbox worker. */
  readonly jobs: JobQueue;
  readonly guard: RateGuard;
  readonly postLoginHooks: readonly PostLoginHook[];
  /** The user record; its writes run the lifecycle hooks. */
  readonly users: Pick<UsersService, 'markEmailVerified'>;
  readonly hooks: Hooks;
  /** Key of the device-token HMAC (derived from ROSTER_SECRET). */
  readonly deviceKey: string;
  /** Reverses changes added since the last full sign-in, at a reset (read at request time). */
  readonly security: () => Pick<SecurityChanges, 'removeAdditionsSince'>;
  readonly config: {
    readonly requireEmailVerification: boolean;
    readonly publicUrl: string;
    readonly passwordMinLength: number;
  };
}

export function createCredentialsService(deps: CredentialsDeps) {
  const { db, clock, hasher, otp, sessions, mail, guard, config } = deps;
  const devices = createDeviceTokens(deps.deviceKey);
  // Erasure: every credential (password, later passkeys and upstream links) goes with the account.
  deps.hooks.on('accountErased', (trx, e) => deleteCredentials(trx, e.userId));
  // Read on first use: the counters may open a Redis connection (a CLI command needs none).
  const lockout = createPasswordLockout(lazy(() => guard.failures));
  const passwords = createPasswordCheck({ db, clock, hasher, lockout });
  const { signIn, completeLogin, openSession } = createSignIn({
    db,
    clock,
    sessions,
    postLoginHooks: deps.postLoginHooks,
  });
  const passwordStrategy = createPasswordStrategy({
    db,
    clock,
    guard,
    passwords,
    devices,
    lockout,
    requireEmailVerification: config.requireEmailVerification,
  });

  function assertPolicy(password: string, user: User | null, path: string): void {
    const errors = checkPassword(password, {
      minLength: config.passwordMinLength,
      context: [user?.email, user?.email?.split('@')[0], user?.username],
      path,
    });
    if (errors.length > 0)
      throw commonError('validation_failed', {
        detail: 'The new password does not meet the policy.',
        errors,
      });
  }

  /** Stores a hash made beforehand: hashing inside a transaction would hold SQLite's write lock for its duration. */
  async function storePasswordHash(trx: Executor, userId: string, hash: string): Promise<void> {
    await setPassword(trx, userId, hash, clock.now().toISOString());
    // Open reset codes die with the password they were meant to replace.
    const user = await findUserById(trx, userId);
    if (user?.email) await otp.retire(trx, 'password_reset', user.email);
  }

  return {
    /**
     * The password strategy, then the step every sign-in ends in (the second
     * factor, then a session). `deviceToken` is the device cookie the caller
     * presented; the outcome carries the one to set (renewed, or new after a
     * correct password).
     */
    login(
      input: { identifier: string; password: string; alsoUsername?: string | undefined },
      context: RequestContext,
      deviceToken: string | null = null,
    ): Promise<LoginOutcome & DeviceCookie> {
      return signIn(passwordStrategy, { ...input, deviceToken }, context);
    },

    /** Throws `invalid_password` unless this is the signed-in user's password (under the sign-in lockout). */
    async confirmPassword(principal: Principal, password: string, context: RequestContext): Promise<void> {
      const user = await findUserById(db, principal.userId);
      if (user?.status !== 'active') throw userError('user_not_found');
      if (!(await passwords.verifySignedIn(user, password, context.ip)))
        throw credentialError('invalid_password');
    },

    async changePassword(
      principal: Principal,
      input: { currentPassword: string; newPassword: string },
      context: RequestContext,
    ): Promise<void> {
      const user = await findUserById(db, principal.userId);
      if (user?.status !== 'active') throw userError('user_not_found');
      if (!(await passwords.verifySignedIn(user, input.currentPassword, context.ip)))
        throw credentialError('invalid_password');
      assertPolicy(input.newPassword, user, 'newPassword');
      const hash = await hasher.hash(input.newPassword);
      const now = clock.now();
      await inTransaction(db, async (trx) => {
        await storePasswordHash(trx, user.id, hash);
        await sessions.revokeUserSessionsIn(trx, user.id, 'password_changed', principal.sessionId);
        await recordAudit(trx, { type: 'password.changed', userId: user.id, context }, now);
        if (user.email)
          await mail.queue(
            trx,
            user.email,
            passwordChanged({ when: now, ip: context.ip, resetLink: `${config.publicUrl}/forgot-password` }),
          );
      });
    },

    /**
     * Always the same 202 after the same work, known address or not: one
     * audit row and one queued job, whose sender (password-reset-mail.ts)
     * mails a code and a link only when the address has an active account.
     */
    async forgotPassword(emailInput: string, context: RequestContext): Promise<void> {
      const email = normaliseEmail(emailInput);
      await guard.perIp('forgot', context.ip, FORGOT_PER_IP);
      await guard.perKey('forgot', email, FORGOT_PER_ADDRESS);
      const now = clock.now();
      await inTransaction(db, async (trx) => {
        const user = await findUserByEmail(trx, email);
        await recordAudit(trx, { type: 'password.reset_requested', userId: user?.id ?? null, context }, now);
        // The outbox worker carries the job as it carries mail, woken at commit.
        await deps.jobs.queue(trx, 'password_reset', { email } satisfies PasswordResetJob);
      });
    },

    /** Sets a new password with a reset code (and address) or link token; every session ends. */
    async resetPassword(
      input: { email?: string; code?: string; token?: string; newPassword: string },
      context: RequestContext,
    ): Promise<void> {
      await guard.perIp('reset', context.ip, RESET_PER_IP);
      const proof = codeOrToken(input);
      const row =
        proof.kind === 'token'
          ? await otp.checkToken(db, 'password_reset', proof.token)
          : await otp.checkCode(db, 'password_reset', normaliseEmail(proof.email), proof.code);
      const user = row.userId ? await findUserById(db, row.userId) : null;
      if (user?.status !== 'active' || user.email !== row.target)
        throw credentialError('invalid_credentials');
      assertPolicy(input.newPassword, user, 'newPassword');
      const hash = await hasher.hash(input.newPassword);
      const now = clock.now();
      await inTransaction(db, async (trx) => {
        await otp.consume(trx, row);
        await storePasswordHash(trx, user.id, hash);
        // The reset proved control of the mailbox.
        await deps.users.markEmailVerified(trx, user.id, now.toISOString());
        await sessions.revokeUserSessionsIn(trx, user.id, 'password_reset');
        // The mailbox owner is the owner: what was added since the mailbox was
        // last proven (a number, a factor, codes: perhaps by a thief with the
        // password, who could move any sign-in-based point by signing in again) goes.
        const since = (await lastMailboxProof(trx, user)) ?? user.createdAt;
        const reversed = await deps.security().removeAdditionsSince(trx, user.id, since);
        if (reversed.length > 0)
          await mail.queue(
            trx,
            user.email!,
            changesUndone({ removed: reversed, reason: 'your password was reset' }),
          );
        await recordAudit(
          trx,
          { type: 'password.reset', userId: user.id, context, detail: { reversed: reversed.length } },
          now,
        );
        await mail.queue(
          trx,
          user.email!,
          passwordChanged({ when: now, ip: context.ip, resetLink: `${config.publicUrl}/forgot-password` }),
        );
      });
      // A new password lifts the lockouts of both sign-in names (everywhere, and at this address).
      const names = [`email:${user.email}`, ...(user.username ? [`username:${user.username}`] : [])];
      await lockout.lift(names, context.ip);
    },

    storePasswordHash,
    /** Runs a login strategy, then the step every sign-in ends in (the phone code strategy uses it). */
    signIn,
    completeLogin,
    openSession,
    hasPassword: async (userId: string) => (await findCredential(db, userId, 'password')) !== null,
    /** Re-checks a signed-in user's password (sensitive actions), under a lockout of its own. */
    verifyUserPassword: passwords.verifySignedIn,
    /** The outbox sender of `password_reset` jobs (forgotPassword queues them). */
    sendPasswordReset: createPasswordResetSender({ db, otp, mail, publicUrl: config.publicUrl }),
  };
}

export type CredentialsService = ReturnType<typeof createCredentialsService>;
