// Sign-up with a password. A new address gets an account and a verification
// mail. A taken address gets the same reply while its owner is told by mail,
// and leaves the same traces others can see: a row that holds the username
// (and takes a place in the directory's order, and the invite code) like a
// new unverified account, purged like one after ROSTER_UNVERIFIED_TTL. So a
// second sign-up with that username answers the same whether the address was
// taken or not.

import { checkPassword } from '../../platform/crypto/password-policy.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';
import { commonError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { signupAttempt } from '../../platform/mailer/templates/index.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { recordAudit } from '../audit/index.ts';
import { removeCredentials } from '../credentials/index.ts';
import type { AdmissionInput } from '../invites/index.ts';
import type { SessionTokens } from '../sessions/index.ts';
import {
  findUserByEmail,
  findUserByUsername,
  normaliseEmail,
  normalisePhone,
  parseUsername,
  type User,
  userError,
} from '../users/index.ts';
import { accountError } from './accounts.errors.ts';
import { SIGNUP_NOTICE_PER_ADDRESS, SIGNUP_PER_IP } from './accounts.limits.ts';
import type { AccountsDeps } from './accounts.service.ts';
import { createAccount } from './create-account.ts';

export interface RegisterInput extends AdmissionInput {
  readonly email: string;
  readonly password: string;
  readonly username?: string | undefined;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
  readonly phone?: string | undefined;
  /** A photo uploaded without a token (POST /v1/media/uploads, purpose `signup-avatar`). */
  readonly avatarUploadKey?: string | undefined;
}

export interface Registration {
  readonly user: User;
  readonly verificationRequired: boolean;
  /**
   * For this client only: given back with the verification, it keeps the
   * password chosen here (signup-proof.ts). Made alike for a taken address,
   * where it names the placeholder and keeps nothing.
   */
  readonly signupProof: string;
  readonly session?: SessionTokens;
}

type RegistrationDeps = Pick<
  AccountsDeps,
  | 'db'
  | 'clock'
  | 'hasher'
  | 'otp'
  | 'sessions'
  | 'mail'
  | 'guard'
  | 'config'
  | 'admission'
  | 'users'
  | 'signupPhoto'
  | 'signupProof'
> & {
  readonly queueVerification: (trx: Executor, user: { id: string; email: string }) => Promise<void>;
};

/** How often a sign-up runs again after a concurrent one took its address or username first. */
const ATTEMPTS = 3;

export function createRegistration(deps: RegistrationDeps) {
  const { db, clock, hasher, otp, sessions, mail, guard, config } = deps;

  /**
   * The row a sign-up for a taken address leaves: an account without an
   * address, a password or a name, holding only the username. Nobody can
   * verify or sign in to it; the purge takes it with the unverified ones.
   */
  const placeholder = (user: User): User => ({
    ...user,
    email: null,
    phone: null,
    firstName: null,
    lastName: null,
  });

  function validate(input: RegisterInput) {
    const email = normaliseEmail(input.email);
    const username = input.username === undefined ? null : parseUsername(input.username);
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

  type Signup = { input: RegisterInput; user: User; secret: string; context: RequestContext };

  const claimPhoto = async (trx: Executor, input: RegisterInput, userId: string) => {
    if (input.avatarUploadKey !== undefined)
      await deps.signupPhoto().claimForSignup(trx, input.avatarUploadKey, userId);
  };

  async function store(trx: Executor, { input, user, secret, context }: Signup) {
    const now = new Date(user.createdAt);
    const admission = await deps.admission.check(trx, input);
    // Any holder counts, verified or not, and a placeholder too: the 409 says
    // nothing about whether an account with an address holds the name.
    if (user.username !== null && (await findUserByUsername(trx, user.username)))
      throw userError('username_taken');
    const existing = await findUserByEmail(trx, user.email!);
    // With verification off the reply carries tokens, so a duplicate cannot be disguised.
    if (existing && !config.requireEmailVerification) throw accountError('email_taken');
    if (existing) {
      await deps.users.insert(trx, { ...placeholder(user), now: user.createdAt });
      // Spent as a new sign-up spends it: the code must not tell taken addresses
      // apart. (The placeholder is recorded as no one: who used the code and who
      // was referred show only once verified, which a placeholder never is.)
      await deps.admission.admit(trx, null, admission, user.createdAt);
      // A second sign-up for an address nobody has proved yet: one of the two
      // may be a squatter hoping the owner verifies an account whose
      // password the squatter chose (pre-hijacking). Neither password
      // survives: the mailbox owner sets one through the reset link of the
      // notice mail, which also verifies the address.
      if (
        existing.emailVerifiedAt === null &&
        existing.phoneVerifiedAt === null &&
        existing.status === 'active'
      ) {
        await removeCredentials(trx, existing.id);
        await otp.retire(trx, 'email_verification', user.email!);
        await recordAudit(trx, { type: 'account.signup_contested', userId: existing.id, context }, now);
      }
      // The placeholder takes the photo as a new account would, so the key is
      // spent either way and cannot tell taken addresses apart; the existing
      // account's profile is never written.
      await claimPhoto(trx, input, user.id);
      return 'duplicate' as const;
    }
    await createAccount(trx, deps, { ...user, passwordHash: secret, admission }, context, now);
    await claimPhoto(trx, input, user.id);
    if (config.requireEmailVerification)
      await deps.queueVerification(trx, { id: user.id, email: user.email! });
    return 'created' as const;
  }

  /** Runs the sign-up again when a concurrent one committed the same address or username first. */
  async function storeOnce(signup: Signup): Promise<'created' | 'duplicate'> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(db, (trx) => store(trx, signup));
      } catch (error) {
        if (attempt >= ATTEMPTS || !isUniqueViolation(error)) throw error;
      }
    }
  }

  return async function register(input: RegisterInput, context: RequestContext): Promise<Registration> {
    await guard.perIp('signup', context.ip, SIGNUP_PER_IP);
    const { email, username, phone } = validate(input);
    // Checked on every path alike, so the reply tells nothing about the address.
    if (input.avatarUploadKey !== undefined) await deps.signupPhoto().checkSignupKey(input.avatarUploadKey);
    const secret = await hasher.hash(input.password);
    const now = clock.now().toISOString();
    const user: User = {
      id: newId(),
      email,
      emailVerifiedAt: config.requireEmailVerification ? null : now,
      username,
      phone,
      phoneVerifiedAt: null,
      firstName: input.firstName?.trim() || null,
      lastName: input.lastName?.trim() || null,
      role: 'user',
      status: 'active',
      score: 0,
      accountType: null,
      verification: null,
      subscriptionTier: null,
      subscriptionExpiresAt: null,
      restricted: false,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    };
    const outcome = await storeOnce({ input, user, secret, context });
    const signupProof = deps.signupProof.of(user.id, email, clock.now());
    if (outcome === 'duplicate') {
      if (await guard.allows('signup-notice', email, SIGNUP_NOTICE_PER_ADDRESS)) {
        await inTransaction(db, (trx) =>
          mail.queue(
            trx,
            email,
            // Signing in happens in the apps (Roster has no page of its own for it); the reset is Roster's page.
            signupAttempt({ resetLink: `${config.publicUrl}/forgot-password` }),
          ),
        );
      }
      // The user object of the reply names the placeholder, never the real account.
      return { user, verificationRequired: true, signupProof };
    }
    if (config.requireEmailVerification) return { user, verificationRequired: true, signupProof };
    const session = await inTransaction(db, (trx) =>
      sessions.startSession(trx, { userId: user.id, amr: ['pwd'], context }),
    );
    return { user, verificationRequired: false, session, signupProof };
  };
}
