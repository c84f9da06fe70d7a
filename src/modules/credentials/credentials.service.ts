// Passwords: the password login strategy, change, forgotten-password reset.
// An unknown identifier takes the same path as a wrong password (the same
// statements, a dummy argon2 verification, one audit row) and gets the same
// reply; a forgotten-password request does the same work for every address.
// Which lockout judges an attempt: password-lockout.ts.
import type { Clock } from '../../platform/clock.ts';
import type { PasswordHasher } from '../../platform/crypto/password-hasher.ts';
import { checkPassword } from '../../platform/crypto/password-policy.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { commonError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { changesUndone, passwordChanged } from '../../platform/mailer/templates/index.ts';
import type { MailQueue } from '../../platform/outbox/mail-queue.ts';
import { enqueue } from '../../platform/outbox/outbox.service.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { accountError } from '../accounts/index.ts';
import {
  findUserByEmail,
  findUserById,
  findUserByUsername,
  markEmailVerified,
  type User,
} from '../users/index.ts';
import { normaliseEmail, parseIdentifier } from '../users/index.ts';
import { lastMailboxProof, recordAudit } from '../audit/index.ts';
import { codeOrToken } from '../otp/index.ts';
import type { OtpService } from '../otp/index.ts';
import { syncProfile } from '../profiles/index.ts';
import type { SecurityChanges } from '../security-changes/index.ts';
import type { LoginResult, PostLoginHook } from '../sessions/index.ts';
import type { Principal, SessionsService } from '../sessions/index.ts';
import { credentialError } from './credentials.errors.ts';
import { FORGOT_PER_ADDRESS, FORGOT_PER_IP, LOGIN_PER_IP, RESET_PER_IP } from './credentials.limits.ts';
import { findCredential, upsertCredential } from './credentials.repository.ts';
import { createDeviceTokens } from './device-token.ts';
import { createPasswordLockout } from './password-lockout.ts';
import { createPasswordResetSender, type PasswordResetJob } from './password-reset-mail.ts';

export { RESET_MINUTES } from './password-reset-mail.ts';

/** Matches no account: unknown names look their credential up too, so both paths run the same statements. */
const NO_ACCOUNT = '00000000-0000-0000-0000-000000000000';

export interface CredentialsDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly hasher: PasswordHasher;
  readonly otp: OtpService;
  readonly sessions: SessionsService;
  readonly mail: MailQueue;
  readonly guard: RateGuard;
  readonly postLoginHooks: readonly PostLoginHook[];
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
  const lockout = createPasswordLockout(guard.failures);

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

  /** Whether the password is the account's; an unknown or deleted account does the same work and fails. */
  /** The stored password hash of an account; unknown accounts run the same query (against a nil id). */
  async function storedHash(user: User | null): Promise<string | null> {
    const account = user && user.status !== 'deleted' ? user : null;
    const hash = await findCredential(db, account?.id ?? NO_ACCOUNT, 'password');
    return account ? hash : null;
  }

  /** Checks a password against the stored hash; the hash as stored afterwards (rehashed), or null when wrong. */
  async function matchesPassword(
    user: User | null,
    hash: string | null,
    password: string,
  ): Promise<string | null> {
    if (!user || !hash) {
      await hasher.verifyDummy(password);
      return null;
    }
    const result = await hasher.verify(hash, password);
    if (!result.ok) return null;
    if (!result.needsRehash) return hash;
    const rehashed = await hasher.hash(password);
    await upsertCredential(db, {
      id: newId(),
      userId: user.id,
      type: 'password',
      secret: rehashed,
      now: clock.now().toISOString(),
    });
    return rehashed;
  }

  /**
   * Re-checks a signed-in user's password (sensitive actions), counted before
   * the check under the same two lockouts as sign-in, keyed by the account:
   * 10 wrong per client address, 100 over every address. A thief with a
   * stolen token who guesses from one place locks only that place out.
   */
  async function verifySignedInPassword(user: User, password: string, ip: string): Promise<boolean> {
    const admission = await lockout.admit({ name: `user:${user.id}`, ip, device: null });
    let ok: boolean;
    try {
      ok = (await matchesPassword(user, await storedHash(user), password)) !== null;
    } catch (error) {
      // Not judged (e.g. shed by the busy hasher): not a failure.
      await lockout.release(admission);
      throw error;
    }
    if (ok) await lockout.succeeded(admission);
    return ok;
  }

  async function findBySignInName(id: ReturnType<typeof parseIdentifier>): Promise<User | null> {
    if (id.kind === 'email') return findUserByEmail(db, id.value);
    if (id.kind === 'username') return findUserByUsername(db, id.value);
    return null;
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
    // Open reset codes die with the password they were meant to replace.
    const user = await findUserById(trx, userId);
    if (user?.email) await otp.retire(trx, 'password_reset', user.email);
  }

  return {
    /**
     * The password strategy, then post-login hooks (MFA), then a session.
     * `deviceToken` is the device cookie the caller presented; the result
     * carries the one to set (renewed, or new after a correct password).
     */
    async login(
      input: { identifier: string; password: string },
      context: RequestContext,
      deviceToken: string | null = null,
    ): Promise<LoginResult & { readonly deviceToken: string | null }> {
      const claimed = devices.claimedUser(deviceToken);
      if (!claimed) await guard.perIp('login', context.ip, LOGIN_PER_IP);
      const id = parseIdentifier(input.identifier);
      const user = await findBySignInName(id);
      const hash = await storedHash(user);
      // A known device is judged by its own failures alone, whatever others did from its address.
      const device = user && hash && claimed === user.id ? devices.verify(deviceToken, hash) : null;
      if (claimed && !device) await guard.perIp('login', context.ip, LOGIN_PER_IP);
      const admission = await lockout.admit({ name: `${id.kind}:${id.value}`, ip: context.ip, device });
      const current = await matchesPassword(user, hash, input.password).catch(async (error: unknown) => {
        // Not judged (e.g. shed by the busy hasher): not a failure.
        await lockout.release(admission);
        throw error;
      });
      // An address nobody has verified answers as a wrong password does: a
      // sign-up with somebody's address and a password of one's own, then a
      // sign-in with both, would otherwise tell a new address (403) from a
      // taken one (401). The attempt keeps its count, as a failure does.
      const matches = current !== null;
      const unverified =
        matches &&
        config.requireEmailVerification &&
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
      // Only now, after a correct password, may the reply say more about the account.
      if (known.status === 'banned') throw accountError('account_disabled');
      const result = await completeLogin(known, ['pwd'], context);
      // Renewed when the hash changed (a rehash), so the device stays known.
      const renew = !device || current !== hash;
      return { ...result, deviceToken: renew ? devices.issue(known.id, current!) : deviceToken };
    },

    async changePassword(
      principal: Principal,
      input: { currentPassword: string; newPassword: string },
      context: RequestContext,
    ): Promise<void> {
      const user = await findUserById(db, principal.userId);
      if (user?.status !== 'active') throw accountError('user_not_found');
      if (!(await verifySignedInPassword(user, input.currentPassword, context.ip)))
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
        await mail.queueJob(trx, 'password_reset', { email } satisfies PasswordResetJob);
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
      const revoked = await inTransaction(db, async (trx) => {
        await otp.consume(trx, row);
        await storePasswordHash(trx, user.id, hash);
        // The reset proved control of the mailbox.
        await markEmailVerified(trx, user.id, now.toISOString());
        await syncProfile(trx, user.id, now.toISOString());
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
    completeLogin,
    openSession,
    hasPassword: async (userId: string) => (await findCredential(db, userId, 'password')) !== null,
    /** Re-checks a signed-in user's password (sensitive actions), under a lockout of its own. */
    verifyUserPassword: verifySignedInPassword,
    /** The outbox sender of `password_reset` jobs (forgotPassword queues them). */
    sendPasswordReset: createPasswordResetSender({ db, otp, mail, publicUrl: config.publicUrl }),
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
