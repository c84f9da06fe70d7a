// Accounts: registration with email verification, the current user, erasure,
// and the operator's actions. Replies never tell an anonymous caller whether
// an address has an account.

import type { CountryCode } from 'libphonenumber-js';
import type { Clock } from '../../platform/clock.ts';
import type { PasswordHasher } from '../../platform/crypto/password-hasher.ts';
import type { Dialect } from '../../platform/db/database.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { commonError } from '../../platform/errors.ts';
import { accountDeleted, verifyEmail as verifyEmailMail } from '../../platform/mailer/templates/index.ts';
import type { MailQueue } from '../../platform/outbox/mail-queue.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { recordAudit } from '../audit/index.ts';
import type { Reauthenticator } from '../credentials/index.ts';
import { credentialError, removeCredentials } from '../credentials/index.ts';
import type { InvitesService } from '../invites/index.ts';
import type { OtpService } from '../otp/index.ts';
import { codeOrToken } from '../otp/index.ts';
import type { Principal, SessionsService } from '../sessions/index.ts';
import {
  findUserByEmail,
  findUserById,
  normaliseEmail,
  type User,
  type UserRole,
  type UsersService,
  userError,
} from '../users/index.ts';
import { RESEND_COOLDOWN, RESEND_PER_ADDRESS, RESEND_PER_IP, VERIFY_PER_IP } from './accounts.limits.ts';
import { createRegistration } from './registration.ts';
import type { SignupProof } from './signup-proof.ts';
import { createUnverifiedPurge } from './unverified-purge.ts';

export const VERIFY_CODE_MINUTES = 15;
export const VERIFY_LINK_HOURS = 24;

export interface AccountsConfig {
  readonly requireEmailVerification: boolean;
  readonly phoneDefaultRegion?: CountryCode | null;
  readonly publicUrl: string;
  readonly passwordMinLength: number;
  /** ROSTER_UNVERIFIED_TTL: how long an unverified sign-up holds its address and username. */
  readonly unverifiedTtlSeconds?: number;
}

/** ROSTER_UNVERIFIED_TTL's default: 7 days. */
export const DEFAULT_UNVERIFIED_TTL_SECONDS = 7 * 24 * 3600;

export interface AccountsDeps {
  readonly db: Executor;
  readonly dialect: Dialect;
  readonly clock: Clock;
  readonly hasher: PasswordHasher;
  /** Re-checks a password under the login lockout (credentials module). */
  readonly verifyPassword: (user: User, password: string, ip: string) => Promise<boolean>;
  /** The user record; its writes run the lifecycle hooks (erasure reaches every module through them). */
  readonly users: UsersService;
  /** Fresh proof for accounts without a password (credentials module; read at request time). */
  readonly reauth: () => Reauthenticator;
  /** Invite and referral codes of a sign-up (invites module). */
  readonly admission: Pick<InvitesService, 'check' | 'admit'>;
  readonly otp: OtpService;
  readonly sessions: SessionsService;
  readonly mail: MailQueue;
  readonly guard: RateGuard;
  readonly config: AccountsConfig;
  /** A sign-up's photo, uploaded before the account existed (media module; read at request time). */
  readonly signupPhoto: () => SignupPhoto;
  /** What a sign-up answers its client, for the verification to keep the password (signup-proof.ts). */
  readonly signupProof: SignupProof;
}

/** What a sign-up does with the photo it names (`avatarUploadKey`). */
export interface SignupPhoto {
  /** Refuses a key that cannot be used, before the sign-up looks at its address. */
  checkSignupKey(uploadKey: string): Promise<void>;
  /** In the new account's transaction: the photo becomes its avatar (processed in the background). */
  claimForSignup(trx: Executor, uploadKey: string, userId: string): Promise<void>;
}

/** The outcome of a signed-in user's request for a verification mail. */
export type VerificationRequest = 'sent' | 'already_verified' | 'no_address';

export function createAccountsService(deps: AccountsDeps) {
  const { db, clock, otp, sessions, mail, guard, config } = deps;
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

  const register = createRegistration({ ...deps, queueVerification });
  const purgeUnverified = createUnverifiedPurge({
    ...deps,
    ttlSeconds: config.unverifiedTtlSeconds ?? DEFAULT_UNVERIFIED_TTL_SECONDS,
  });

  return {
    register,

    /**
     * Verifies with the 6-digit code (and the address) or the link token; each
     * works once. The link proves the mailbox, not the password chosen at
     * sign-up: its owner may be confirming a sign-up someone else made with
     * their address (pre-hijacking). So an account nobody has proven yet
     * keeps that password through the link only when `password` comes along
     * and matches; otherwise it loses it, and the owner sets one through
     * "forgot password". The code is typed into the client that signed up,
     * which holds the password; `password` is checked when given there too.
     */
    async verifyEmail(
      input: {
        email?: string;
        code?: string;
        token?: string;
        password?: string | undefined;
        /** The sign-up's proof (Registration.signupProof), which its client kept. */
        signupProof?: string | undefined;
      },
      context: RequestContext,
    ): Promise<User> {
      await guard.perIp('verify-email', context.ip, VERIFY_PER_IP);
      const signedUp = deps.signupProof.signedUp(input.signupProof, clock.now());
      // The client that signed up may send the code alone: the proof names the address it signed up with.
      const address = input.email ?? (input.code !== undefined ? signedUp?.email : undefined);
      const proof = codeOrToken({ ...input, email: address });
      const row =
        proof.kind === 'token'
          ? await otp.checkToken(db, 'email_verification', proof.token)
          : await otp.checkCode(db, 'email_verification', normaliseEmail(proof.email), proof.code);
      if (input.password !== undefined) {
        const holder = row.userId ? await findUserById(db, row.userId) : null;
        if (!holder || !(await deps.verifyPassword(holder, input.password, context.ip)))
          throw credentialError('invalid_password');
      }
      // Neither proof tells the mailbox owner from whoever signed up with the
      // address: the password chosen at sign-up is kept only when the request
      // proves it (the password, or the sign-up's proof its client kept), so a
      // squatter's pending account never keeps the squatter's way in.
      const keepsPassword =
        input.password !== undefined || (row.userId !== null && signedUp?.userId === row.userId);
      const now = clock.now();
      return inTransaction(db, async (trx) => {
        await otp.consume(trx, row);
        const user = row.userId ? await findUserById(trx, row.userId) : null;
        // The address may have changed (or the account gone) since the code was sent.
        if (!user || user.email !== row.target || user.status === 'deleted')
          throw userError('user_not_found');
        const unproven = user.emailVerifiedAt === null && user.phoneVerifiedAt === null;
        if (unproven && !keepsPassword) await removeCredentials(trx, user.id);
        await deps.users.markEmailVerified(trx, user.id, now.toISOString());
        await recordAudit(
          trx,
          {
            type: 'account.email_verified',
            userId: user.id,
            context,
            ...(unproven && !keepsPassword ? { detail: { passwordRemoved: true } } : {}),
          },
          now,
        );
        const verified = await findUserById(trx, user.id);
        // Purged between the look-up and the update (verified just past the TTL).
        if (!verified || verified.status === 'deleted') throw userError('user_not_found');
        return verified;
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
    },

    /**
     * A signed-in user asks for a new verification mail for their own
     * address; what happened, for faces that tell the user (the native 202 does not).
     */
    async requestVerification(userId: string): Promise<VerificationRequest> {
      const user = await findUserById(db, userId);
      if (!user || user.email === null) return 'no_address';
      if (user.emailVerifiedAt !== null) return 'already_verified';
      await guard.perKey('resend-cooldown', user.email, RESEND_COOLDOWN);
      await guard.perKey('resend', user.email, RESEND_PER_ADDRESS);
      await inTransaction(db, (trx) => queueVerification(trx, { id: user.id, email: user.email! }));
      return 'sent';
    },

    async getUser(userId: string): Promise<User> {
      const user = await findUserById(db, userId);
      if (!user || user.status === 'deleted') throw userError('user_not_found');
      return user;
    },

    /**
     * Erases the account once the user proves it is them again: the password,
     * or, for an account without one (signed up by phone), a fresh code of a
     * second factor or an SMS code to its own number (`code` + `oti`); a
     * surface whose document has no such field asks for a recent sign-in of
     * the same session instead. Every session ends, credentials and codes go,
     * personal fields are blanked. A tombstone (id, timestamps, status)
     * remains for the audit trail; the address is free again.
     */
    async deleteAccount(principal: Principal, proof: DeletionProof, context: RequestContext): Promise<void> {
      const user = await findUserById(db, principal.userId);
      if (!user || user.status === 'deleted') throw userError('user_not_found');
      const reauth = deps.reauth();
      if (proof === 'recent-sign-in') {
        await reauth.reauthenticate(user, { principal, context, given: { kind: 'recent-sign-in' } });
        await eraseAccount(user, context);
        return;
      }
      // This route names its fields `password`, `code` and `oti`: say which is missing in them.
      if ((await reauth.requiredProof(user)) === 'password') {
        if (proof.password === undefined)
          throw commonError('validation_failed', { errors: [{ path: 'password', message: 'is required' }] });
      } else if (proof.code === undefined) {
        throw commonError('validation_failed', {
          detail:
            'This account has no password: confirm with a second-factor code, or an SMS code and its oti.',
          errors: [{ path: 'code', message: 'is required' }],
        });
      }
      // The one rule of every sensitive change (a factor or number from before this sign-in).
      await reauth.reauthenticate(user, {
        principal,
        context,
        given: {
          kind: 'proof',
          proof: { currentPassword: proof.password, confirmCode: proof.code, confirmOti: proof.oti },
        },
      });
      await eraseAccount(user, context);
    },

    eraseAccount,

    /**
     * Periodic work (schedule it with clock.every, off the request path):
     * removes unverified sign-ups older than ROSTER_UNVERIFIED_TTL, in
     * batches of their own short transactions; returns how many went. Without
     * required verification nothing is unverified that way, so nothing goes.
     */
    purgeUnverified: async (): Promise<number> => (config.requireEmailVerification ? purgeUnverified() : 0),
  };

  /** Erases the account; `detail` names who did it when it was not the user (an operator). */
  async function eraseAccount(
    user: User,
    context: RequestContext,
    detail?: Record<string, unknown>,
  ): Promise<void> {
    const now = clock.now();
    await inTransaction(db, async (trx) => {
      await sessions.revokeUserSessionsIn(trx, user.id, 'account_deleted');
      if (user.email) await mail.queue(trx, user.email, accountDeleted());
      await deps.users.erase(trx, user.id, now.toISOString());
      await recordAudit(
        trx,
        { type: 'account.deleted', userId: user.id, context, ...(detail ? { detail } : {}) },
        now,
      );
    });
  }
}

/** What a deletion is confirmed with: the route's fields, or a recent sign-in of the session. */
export type DeletionProof =
  | { password?: string | undefined; code?: string | undefined; oti?: string | undefined }
  | 'recent-sign-in';

export type AccountsService = ReturnType<typeof createAccountsService>;
export type { RegisterInput, Registration } from './registration.ts';
export type { UserRole };
