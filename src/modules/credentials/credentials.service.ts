// Passwords: the password login strategy, change, forgotten-password reset.
// An unknown identifier costs the same work as a wrong password (a dummy
// argon2 verification) and gets the same reply.
import type { Clock } from '../../platform/clock.ts';
import type { PasswordHasher } from '../../platform/crypto/password-hasher.ts';
import { checkPassword } from '../../platform/crypto/password-policy.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { commonError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { passwordChanged, passwordResetCode } from '../../platform/mailer/templates/index.ts';
import type { MailQueue } from '../../platform/outbox/mail-queue.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import { enforce } from '../../platform/rate-limit/rate-limit.errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { accountError } from '../accounts/accounts.errors.ts';
import {
  findUserByEmail,
  findUserById,
  findUserByUsername,
  markEmailVerified,
  type User,
} from '../accounts/accounts.repository.ts';
import { normaliseEmail, parseIdentifier } from '../accounts/identifiers.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { codeOrToken } from '../otp/code-or-token.ts';
import type { OtpService } from '../otp/otp.service.ts';
import { syncProfile } from '../profiles/profile-sync.ts';
import type { LoginResult, PostLoginHook } from '../sessions/login-flow.ts';
import type { Principal, SessionsService } from '../sessions/sessions.service.ts';
import { credentialError } from './credentials.errors.ts';
import {
  FORGOT_PER_ADDRESS,
  FORGOT_PER_IP,
  LOGIN_LOCKOUT,
  LOGIN_PER_ACCOUNT,
  LOGIN_PER_IP,
  RESET_PER_IP,
} from './credentials.limits.ts';
import { findCredential, upsertCredential } from './credentials.repository.ts';

export const RESET_MINUTES = 15;

export interface CredentialsDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly hasher: PasswordHasher;
  readonly otp: OtpService;
  readonly sessions: SessionsService;
  readonly mail: MailQueue;
  readonly guard: RateGuard;
  readonly postLoginHooks: readonly PostLoginHook[];
  readonly config: {
    readonly requireEmailVerification: boolean;
    readonly publicUrl: string;
    readonly passwordMinLength: number;
  };
}

export function createCredentialsService(deps: CredentialsDeps) {
  const { db, clock, hasher, otp, sessions, mail, guard, config } = deps;

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

  /** Verifies a password under the account's lockout; unknown accounts do the same work and fail alike. */
  async function verifyPassword(user: User | null, lockKey: string, password: string): Promise<boolean> {
    enforce(await guard.failures.check(`login:${lockKey}`), 'login lockout');
    await guard.perKey('login-burst', lockKey, LOGIN_PER_ACCOUNT);
    const hash = user && user.status !== 'deleted' ? await findCredential(db, user.id, 'password') : null;
    if (!hash) {
      await hasher.verifyDummy(password);
    } else {
      const result = await hasher.verify(hash, password);
      if (result.ok) {
        await guard.failures.reset(`login:${lockKey}`);
        if (result.needsRehash) {
          await upsertCredential(db, {
            id: newId(),
            userId: user!.id,
            type: 'password',
            secret: await hasher.hash(password),
            now: clock.now().toISOString(),
          });
        }
        return true;
      }
    }
    await guard.failures.recordFailure(`login:${lockKey}`, LOGIN_LOCKOUT);
    return false;
  }

  /** Stores a hash made beforehand: hashing inside a transaction would hold SQLite's write lock for its duration. */
  async function storePasswordHash(trx: Executor, userId: string, hash: string): Promise<void> {
    await upsertCredential(trx, {
      id: newId(),
      userId,
      type: 'password',
      secret: hash,
      now: clock.now().toISOString(),
    });
  }

  return {
    /** The password strategy, then post-login hooks (MFA), then a session. */
    async login(
      input: { identifier: string; password: string },
      context: RequestContext,
    ): Promise<LoginResult> {
      await guard.perIp('login', context.ip, LOGIN_PER_IP);
      const id = parseIdentifier(input.identifier);
      const user =
        id.kind === 'email' ? await findUserByEmail(db, id.value) : await findUserByUsername(db, id.value);
      // Keyed by the identifier as typed, for real and unknown accounts alike:
      // a key per account would let a lockout reached through a public
      // username tell which email belongs to it.
      const lockKey = `${id.kind}:${id.value}`;
      if (!(await verifyPassword(user, lockKey, input.password))) {
        if (user)
          await recordAudit(
            db,
            { type: 'login.failed', userId: user.id, context, detail: { method: 'password' } },
            clock.now(),
          );
        throw credentialError('invalid_credentials');
      }
      const known = user!;
      // Only now, after a correct password, may the reply say more about the account.
      if (known.status === 'banned') throw accountError('account_disabled');
      if (config.requireEmailVerification && known.emailVerifiedAt === null)
        throw accountError('email_not_verified');
      return completeLogin(known, ['pwd'], context);
    },

    async changePassword(
      principal: Principal,
      input: { currentPassword: string; newPassword: string },
      context: RequestContext,
    ): Promise<void> {
      const user = await findUserById(db, principal.userId);
      if (user?.status !== 'active') throw accountError('user_not_found');
      if (!(await verifyPassword(user, `user:${user.id}`, input.currentPassword)))
        throw credentialError('invalid_password');
      assertPolicy(input.newPassword, user, 'newPassword');
      const hash = await hasher.hash(input.newPassword);
      const now = clock.now();
      const revoked = await inTransaction(db, async (trx) => {
        await storePasswordHash(trx, user.id, hash);
        const ids = await sessions.revokeUserSessionsIn(
          trx,
          user.id,
          'password_changed',
          principal.sessionId,
        );
        await recordAudit(trx, { type: 'password.changed', userId: user.id, context }, now);
        if (user.email)
          await mail.queue(
            trx,
            user.email,
            passwordChanged({ when: now, ip: context.ip, resetLink: `${config.publicUrl}/forgot-password` }),
          );
        return ids;
      });
      await sessions.announceRevoked(revoked);
      mail.flush();
    },

    /** Always the same 202: a code and link go out only when the address has an active account. */
    async forgotPassword(emailInput: string, context: RequestContext): Promise<void> {
      const email = normaliseEmail(emailInput);
      await guard.perIp('forgot', context.ip, FORGOT_PER_IP);
      await guard.perKey('forgot', email, FORGOT_PER_ADDRESS);
      await inTransaction(db, async (trx) => {
        const user = await findUserByEmail(trx, email);
        if (user?.status !== 'active') return;
        const issued = await otp.issueCode(trx, {
          purpose: 'password_reset',
          userId: user.id,
          target: email,
          codeTtlSeconds: RESET_MINUTES * 60,
          tokenTtlSeconds: RESET_MINUTES * 60,
        });
        const link = `${config.publicUrl}/reset-password?token=${encodeURIComponent(issued.token!)}`;
        await mail.queue(trx, email, passwordResetCode({ code: issued.code, link, minutes: RESET_MINUTES }));
      });
      mail.flush();
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
      const revoked = await inTransaction(db, async (trx) => {
        await otp.consume(trx, row);
        await storePasswordHash(trx, user.id, hash);
        // The reset proved control of the mailbox.
        await markEmailVerified(trx, user.id, now.toISOString());
        await syncProfile(trx, user.id, now.toISOString());
        const ids = await sessions.revokeUserSessionsIn(trx, user.id, 'password_reset');
        await recordAudit(trx, { type: 'password.reset', userId: user.id, context }, now);
        await mail.queue(
          trx,
          user.email!,
          passwordChanged({ when: now, ip: context.ip, resetLink: `${config.publicUrl}/forgot-password` }),
        );
        return ids;
      });
      // A new password lifts the lockouts of both sign-in names.
      await guard.failures.reset(`login:email:${user.email}`);
      if (user.username) await guard.failures.reset(`login:username:${user.username}`);
      await sessions.announceRevoked(revoked);
      mail.flush();
    },

    storePasswordHash,
    completeLogin,
    openSession,
    hasPassword: async (userId: string) => (await findCredential(db, userId, 'password')) !== null,
    /** Re-checks a signed-in user's password (sensitive actions), under the login lockout. */
    verifyUserPassword: (user: User, password: string) => verifyPassword(user, `user:${user.id}`, password),
  };

  /** Runs the post-login hooks, then opens a session. Strategies end here. */
  async function completeLogin(user: User, amr: string[], context: RequestContext): Promise<LoginResult> {
    for (const hook of deps.postLoginHooks) {
      const outcome = await hook({ user, amr, context });
      if (outcome.kind === 'challenge') return outcome;
    }
    return openSession(user, amr, context);
  }

  /** The end of every sign-in, once all steps (MFA included) are done. */
  async function openSession(user: User, amr: string[], context: RequestContext): Promise<LoginResult> {
    const now = clock.now();
    const tokens = await inTransaction(db, async (trx) => {
      const issued = await sessions.startSession(trx, { userId: user.id, amr, context });
      await recordAudit(
        trx,
        {
          type: 'login.succeeded',
          userId: user.id,
          context,
          detail: { method: amr.join('+'), sessionId: issued.sessionId },
        },
        now,
      );
      return issued;
    });
    return { kind: 'session', user, tokens };
  }
}

export type CredentialsService = ReturnType<typeof createCredentialsService>;
