// Accounts: registration with email verification, the current user, erasure,
// and the operator's actions. Replies never tell an anonymous caller whether
// an address has an account.
import type { CountryCode } from 'libphonenumber-js';
import type { Clock } from '../../platform/clock.ts';
import type { PasswordHasher } from '../../platform/crypto/password-hasher.ts';
import { checkPassword } from '../../platform/crypto/password-policy.ts';
import type { Dialect } from '../../platform/db/database.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';
import { commonError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import {
  accountDeleted,
  signupAttempt,
  verifyEmail as verifyEmailMail,
} from '../../platform/mailer/templates/index.ts';
import type { MailQueue } from '../../platform/outbox/mail-queue.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { credentialError } from '../credentials/credentials.errors.ts';
import {
  deleteCredentials,
  findCredential,
  upsertCredential,
} from '../credentials/credentials.repository.ts';
import { forgetInvites } from '../invites/invites.repository.ts';
import type { InvitesService } from '../invites/invites.service.ts';
import { codeOrToken } from '../otp/code-or-token.ts';
import type { OtpService } from '../otp/otp.service.ts';
import { forgetProfile, syncProfile } from '../profiles/profile-sync.ts';
import { replaceUserTags } from '../profiles/tags.repository.ts';
import type { SessionsService, SessionTokens } from '../sessions/sessions.service.ts';
import { forgetSocial } from '../social/social.repository.ts';
import { accountError } from './accounts.errors.ts';
import {
  RESEND_COOLDOWN,
  RESEND_PER_ADDRESS,
  RESEND_PER_IP,
  SIGNUP_NOTICE_PER_ADDRESS,
  SIGNUP_PER_IP,
  VERIFY_PER_IP,
} from './accounts.limits.ts';
import {
  eraseUser,
  findUserByEmail,
  findUserById,
  findUserByUsername,
  insertUser,
  markEmailVerified,
  type User,
} from './accounts.repository.ts';
import type { UserRole } from './accounts.table.ts';
import { normaliseEmail, normalisePhone, normaliseUsername } from './identifiers.ts';

export const VERIFY_CODE_MINUTES = 15;
export const VERIFY_LINK_HOURS = 24;

export interface AccountsConfig {
  readonly requireEmailVerification: boolean;
  readonly phoneDefaultRegion?: CountryCode | null;
  readonly publicUrl: string;
  readonly passwordMinLength: number;
}

export interface AccountsDeps {
  readonly db: Executor;
  readonly dialect: Dialect;
  readonly clock: Clock;
  readonly hasher: PasswordHasher;
  /** Re-checks a password under the login lockout (credentials module). */
  readonly verifyPassword: (user: User, password: string) => Promise<boolean>;
  /** Erasure: second factors and recovery codes go too (mfa module). */
  readonly forgetSecondFactors: (trx: Executor, userId: string) => Promise<void>;
  /** Other proofs for accounts without a password (mfa and phone modules); throw when wrong. */
  readonly reauthenticate: {
    bySecondFactor(userId: string, code: string): Promise<void>;
    bySms(user: User, input: { code: string; oti: string }, context: RequestContext): Promise<void>;
  };
  /** Invite and referral codes of a sign-up (invites module). */
  readonly admission: Pick<InvitesService, 'check' | 'admit'>;
  readonly otp: OtpService;
  readonly sessions: SessionsService;
  readonly mail: MailQueue;
  readonly guard: RateGuard;
  readonly config: AccountsConfig;
}

export interface RegisterInput {
  readonly email: string;
  readonly password: string;
  readonly username?: string | undefined;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  readonly phone?: string | undefined;
  readonly inviteCode?: string | undefined;
  readonly referralCode?: string | undefined;
}

export interface Registration {
  readonly user: User;
  readonly verificationRequired: boolean;
  readonly session?: SessionTokens;
}

export function createAccountsService(deps: AccountsDeps) {
  const { db, clock, hasher, otp, sessions, mail, guard, config } = deps;
  const link = (path: string, token: string) =>
    `${config.publicUrl}${path}?token=${encodeURIComponent(token)}`;

  async function queueVerification(trx: Executor, user: { id: string; email: string }): Promise<void> {
    const issued = await otp.issueCode(trx, {
      purpose: 'email_verification',
      userId: user.id,
      target: user.email,
      codeTtlSeconds: VERIFY_CODE_MINUTES * 60,
      tokenTtlSeconds: VERIFY_LINK_HOURS * 3600,
    });
    await mail.queue(
      trx,
      user.email,
      verifyEmailMail({
        code: issued.code,
        link: link('/verify-email', issued.token!),
        minutes: VERIFY_CODE_MINUTES,
      }),
    );
  }

  function validateRegistration(input: RegisterInput) {
    const email = normaliseEmail(input.email);
    const username = input.username === undefined ? null : normaliseUsername(input.username);
    const phone = input.phone === undefined ? null : normalisePhone(input.phone, config.phoneDefaultRegion);
    const errors = checkPassword(input.password, {
      minLength: config.passwordMinLength,
      context: [email, email.split('@')[0], username],
    });
    if (input.phone !== undefined && phone === null)
      errors.push({ path: 'phone', message: 'is not a valid phone number' });
    if (errors.length > 0)
      throw commonError('validation_failed', { detail: 'Some fields are invalid; see errors.', errors });
    return { email, username, phone };
  }

  /**
   * A new account gets a verification mail. A taken address gets the same
   * reply (a user object that was never stored) while its owner is told by
   * mail; nothing of a verified account changes. An unverified one loses its
   * password (see below).
   */
  async function register(input: RegisterInput, context: RequestContext): Promise<Registration> {
    await guard.perIp('signup', context.ip, SIGNUP_PER_IP);
    const { email, username, phone } = validateRegistration(input);
    const secret = await hasher.hash(input.password);
    const now = clock.now();
    const user: User = {
      id: newId(),
      email,
      emailVerifiedAt: config.requireEmailVerification ? null : now.toISOString(),
      username,
      phone,
      phoneVerifiedAt: null,
      firstName: input.firstName?.trim() || null,
      lastName: input.lastName?.trim() || null,
      role: 'user',
      status: 'active',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      deletedAt: null,
    };
    const outcome = await inTransaction(db, async (trx) => {
      const admission = await deps.admission.check(trx, input);
      if (username !== null && (await findUserByUsername(trx, username)))
        throw accountError('username_taken');
      const existing = await findUserByEmail(trx, email);
      if (existing) {
        // A second sign-up for an address nobody has proved yet: one of the two
        // may be a squatter hoping the owner verifies an account whose
        // password the squatter chose (pre-hijacking). Neither password
        // survives: the mailbox owner sets one through the reset link of the
        // notice mail, which also verifies the address.
        if (
          config.requireEmailVerification &&
          existing.emailVerifiedAt === null &&
          existing.status === 'active'
        ) {
          await deleteCredentials(trx, existing.id);
          await otp.retire(trx, 'email_verification', email);
          await recordAudit(trx, { type: 'account.signup_contested', userId: existing.id, context }, now);
        }
        // Spent as a new sign-up would spend it: the code must not tell taken
        // addresses apart. (Without verification a taken address is a 409 anyway.)
        if (config.requireEmailVerification)
          await deps.admission.admit(trx, null, admission, now.toISOString());
        return 'duplicate' as const;
      }
      try {
        await insertUser(trx, { ...user, now: user.createdAt });
        await syncProfile(trx, user.id, user.createdAt);
      } catch (error) {
        // A concurrent sign-up with the same address (or username) won the race.
        if (isUniqueViolation(error)) return 'race' as const;
        throw error;
      }
      await deps.admission.admit(trx, user.id, admission, user.createdAt);
      await upsertCredential(trx, {
        id: newId(),
        userId: user.id,
        type: 'password',
        secret,
        now: user.createdAt,
      });
      await recordAudit(trx, { type: 'account.created', userId: user.id, context }, now);
      if (config.requireEmailVerification) await queueVerification(trx, { id: user.id, email });
      return 'created' as const;
    });
    if (
      outcome === 'race' &&
      username !== null &&
      (await findUserByUsername(db, username))?.email !== email
    ) {
      throw accountError('username_taken');
    }
    if (outcome !== 'created') {
      // With verification off the reply carries tokens, so a duplicate cannot be disguised.
      if (!config.requireEmailVerification) throw accountError('email_taken');
      if (!(await guard.allows('signup-notice', email, SIGNUP_NOTICE_PER_ADDRESS)))
        return { user, verificationRequired: true };
      await inTransaction(db, (trx) =>
        mail.queue(
          trx,
          email,
          signupAttempt({
            loginLink: `${config.publicUrl}/login`,
            resetLink: `${config.publicUrl}/forgot-password`,
          }),
        ),
      );
      mail.flush();
      return { user, verificationRequired: true };
    }
    mail.flush();
    if (config.requireEmailVerification) return { user, verificationRequired: true };
    const session = await inTransaction(db, (trx) =>
      sessions.startSession(trx, { userId: user.id, amr: ['pwd'], context }),
    );
    return { user, verificationRequired: false, session };
  }

  return {
    register,

    /** Verifies with the 6-digit code (and the address) or the link token; each works once. */
    async verifyEmail(
      input: { email?: string; code?: string; token?: string },
      context: RequestContext,
    ): Promise<User> {
      await guard.perIp('verify-email', context.ip, VERIFY_PER_IP);
      const proof = codeOrToken(input);
      const row =
        proof.kind === 'token'
          ? await otp.checkToken(db, 'email_verification', proof.token)
          : await otp.checkCode(db, 'email_verification', normaliseEmail(proof.email), proof.code);
      const now = clock.now();
      return inTransaction(db, async (trx) => {
        await otp.consume(trx, row);
        const user = row.userId ? await findUserById(trx, row.userId) : null;
        // The address may have changed (or the account gone) since the code was sent.
        if (!user || user.email !== row.target || user.status === 'deleted')
          throw accountError('user_not_found');
        await markEmailVerified(trx, user.id, now.toISOString());
        await syncProfile(trx, user.id, now.toISOString());
        await recordAudit(trx, { type: 'account.email_verified', userId: user.id, context }, now);
        return (await findUserById(trx, user.id))!;
      });
    },

    /** Sends a new code when the address belongs to an unverified account; the same reply either way. */
    async resendVerification(emailInput: string, context: RequestContext): Promise<void> {
      const email = normaliseEmail(emailInput);
      await guard.perIp('resend', context.ip, RESEND_PER_IP);
      await guard.perKey('resend-cooldown', email, RESEND_COOLDOWN);
      await guard.perKey('resend', email, RESEND_PER_ADDRESS);
      await inTransaction(db, async (trx) => {
        const user = await findUserByEmail(trx, email);
        if (user && user.status === 'active' && user.emailVerifiedAt === null)
          await queueVerification(trx, { id: user.id, email });
      });
      mail.flush();
    },

    /** A signed-in user asks for a new verification mail for their own address. */
    async requestVerification(userId: string): Promise<void> {
      const user = await findUserById(db, userId);
      if (!user || user.email === null || user.emailVerifiedAt !== null) return;
      await guard.perKey('resend-cooldown', user.email, RESEND_COOLDOWN);
      await guard.perKey('resend', user.email, RESEND_PER_ADDRESS);
      await inTransaction(db, (trx) => queueVerification(trx, { id: user.id, email: user.email! }));
      mail.flush();
    },

    async getUser(userId: string): Promise<User> {
      const user = await findUserById(db, userId);
      if (!user || user.status === 'deleted') throw accountError('user_not_found');
      return user;
    },

    /**
     * Erases the account after re-checking the password: every session ends,
     * credentials and codes go, personal fields are blanked. A tombstone (id,
     * timestamps, status) remains for the audit trail; the address is free again.
     */
    /**
     * Erases the account once the user proves it is them again: the password,
     * or, for an account without one (signed up by phone), a fresh code of a
     * second factor or an SMS code to its own number (`code` + `oti`).
     */
    async deleteAccount(
      userId: string,
      proof: { password?: string | undefined; code?: string | undefined; oti?: string | undefined },
      context: RequestContext,
    ): Promise<void> {
      const user = await findUserById(db, userId);
      if (!user || user.status === 'deleted') throw accountError('user_not_found');
      if (await findCredential(db, user.id, 'password')) {
        if (proof.password === undefined) {
          throw commonError('validation_failed', { errors: [{ path: 'password', message: 'is required' }] });
        }
        if (!(await deps.verifyPassword(user, proof.password))) throw credentialError('invalid_password');
      } else if (proof.code !== undefined && proof.oti !== undefined) {
        await deps.reauthenticate.bySms(user, { code: proof.code, oti: proof.oti }, context);
      } else if (proof.code !== undefined) {
        await deps.reauthenticate.bySecondFactor(user.id, proof.code);
      } else {
        throw commonError('validation_failed', {
          detail:
            'This account has no password: confirm with a second-factor code, or an SMS code and its oti.',
          errors: [{ path: 'code', message: 'is required' }],
        });
      }
      await eraseAccount(user, context);
    },

    eraseAccount,
  };

  async function eraseAccount(user: User, context: RequestContext): Promise<void> {
    const now = clock.now();
    const revoked = await inTransaction(db, async (trx) => {
      const ids = await sessions.revokeUserSessionsIn(trx, user.id, 'account_deleted');
      if (user.email) await mail.queue(trx, user.email, accountDeleted());
      await deleteCredentials(trx, user.id);
      await otp.forgetUser(trx, user.id);
      await deps.forgetSecondFactors(trx, user.id);
      // The social graph first: it locks the profile rows of everyone involved.
      await forgetSocial(trx, deps.dialect, user.id);
      await replaceUserTags(trx, deps.dialect, user.id, []);
      await forgetProfile(trx, user.id);
      await forgetInvites(trx, user.id);
      await eraseUser(trx, user.id, now.toISOString());
      await recordAudit(trx, { type: 'account.deleted', userId: user.id, context }, now);
      return ids;
    });
    await sessions.announceRevoked(revoked);
    mail.flush();
  }
}

export type AccountsService = ReturnType<typeof createAccountsService>;
export type { UserRole };
