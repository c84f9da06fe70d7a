// Second factors behind one interface: TOTP (authenticator apps), codes by
// email, and single-use recovery codes. Turning a factor on or off needs a
// current code; every change is mailed and audited. At sign-in, a post-login
// hook turns an account with a factor into a challenge (`mfaToken`) that
// POST /v1/sessions/mfa completes.
import type { Clock } from '../../platform/clock.ts';
import type { Encrypter } from '../../platform/crypto/encryption.ts';
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  normaliseRecoveryCode,
} from '../../platform/crypto/recovery-codes.ts';
import { randomToken, sha256 } from '../../platform/crypto/tokens.ts';
import { generateTotpSecret, totpQrSvg, totpUri, verifyTotp } from '../../platform/crypto/totp.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { newId } from '../../platform/ids.ts';
import { loginCode, mfaSetupCode } from '../../platform/mailer/templates/index.ts';
import type { MailQueue } from '../../platform/outbox/mail-queue.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import { enforce } from '../../platform/rate-limit/rate-limit.errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { accountError } from '../accounts/index.ts';
import { findUserById, type User } from '../users/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Reauthentication, Reauthenticator } from '../credentials/index.ts';
import type { OtpService } from '../otp/index.ts';
import type { SecurityChanges } from '../security-changes/index.ts';
import type { LoginResult, PostLoginHook } from '../sessions/index.ts';
import type { Principal } from '../sessions/index.ts';
import { mfaError } from './mfa.errors.ts';
import {
  consumeChallenge,
  countChallengeAttempt,
  countRecoveryCodesLeft,
  deleteFactor,
  deleteMfaData,
  enableFactor,
  type Factor,
  type FactorType,
  findChallenge,
  findFactor,
  insertChallenge,
  listFactors,
  listRecoveryCodeRows,
  replaceRecoveryCodes,
  upsertPendingFactor,
  useRecoveryCode,
  useTotpStep,
} from './mfa.repository.ts';
import { FACTOR_NAMES, registerMfaUndo, removedFactorData } from './mfa-undo.ts';

export type MfaMethod = FactorType | 'recovery_code';
const CHALLENGE_TTL_MS = 5 * 60_000;
const CHALLENGE_ATTEMPTS = 5;
const EMAIL_CODE_MINUTES = 10;

export interface MfaDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly encrypter: Encrypter;
  readonly otp: OtpService;
  readonly mail: MailQueue;
  readonly guard: RateGuard;
  /** Key of the recovery-code HMAC (derived from ROSTER_SECRET). */
  readonly recoveryKey: string;
  /** Shown in authenticator apps. */
  readonly issuer: string;
  /** Fresh proof for turning factors on or off (credentials module; read at request time). */
  readonly reauth: () => Reauthenticator;
  /** Records each change with its undo link. */
  readonly security: SecurityChanges;
  /** Opens the session once every step is done (credentials module). */
  readonly openSession: (user: User, amr: string[], context: RequestContext) => Promise<LoginResult>;
}

/** A change to the factors: a current code of the factor, and fresh proof of who asks. */
export interface ChangeInput {
  readonly code: string;
  readonly reauth: Reauthentication;
}

export function createMfaService(deps: MfaDeps) {
  const { db, clock, encrypter, otp, mail, guard } = deps;
  const iso = () => clock.now().toISOString();
  const secretContext = (userId: string) => `mfa_totp:${userId}`;
  const enabled = (factors: Factor[]) => factors.filter((f) => f.enabled_at !== null);
  /** One lockout per account for every second-factor code, at sign-in and when signed in. */
  const lockKey = (userId: string) => `mfa:${userId}`;
  registerMfaUndo(deps.security, iso);

  async function activeUser(userId: string): Promise<User> {
    const user = await findUserById(db, userId);
    if (user?.status !== 'active') throw accountError('user_not_found');
    return user;
  }

  /** Checks a TOTP code and burns its time step, so it cannot be used twice. */
  async function checkTotp(factor: Factor, code: string): Promise<boolean> {
    const step = verifyTotp({
      secret: encrypter.decrypt(factor.secret!, secretContext(factor.user_id)),
      code,
      now: clock.now(),
      lastUsedStep: factor.last_used_step === null ? null : Number(factor.last_used_step),
    });
    return step !== null && (await useTotpStep(db, factor.id, step));
  }

  /** Checks an emailed code and uses it up; false when wrong, used or expired. */
  async function useEmailCode(
    purpose: 'mfa_email' | 'mfa_email_setup',
    email: string,
    code: string,
  ): Promise<boolean> {
    try {
      await otp.consume(db, await otp.checkCode(db, purpose, email, code));
      return true;
    } catch {
      return false;
    }
  }

  /** A code from one of the user's second factors: guards turning factors off and new recovery codes. */
  async function checkCurrentCode(user: User, type: FactorType, code: string): Promise<void> {
    const factor = await findFactor(db, user.id, type);
    // Counted as a failure before the code is checked, atomically: parallel
    // guesses cannot evaluate more codes than the lockout allows.
    enforce(await guard.failures.reserve(lockKey(user.id)), 'mfa lockout');
    let ok = false;
    if (factor && type === 'totp') ok = await checkTotp(factor, code);
    if (factor && type === 'email' && user.email) {
      ok = await useEmailCode('mfa_email_setup', user.email, code);
    }
    // 422, not 401: a signed-in user mistyped a code; their session is fine.
    if (!ok) throw otp.refuse();
    await guard.failures.reset(lockKey(user.id));
  }

  /** The first factor brings 10 recovery codes; later ones keep the existing set. */
  async function issueRecoveryCodes(trx: Executor, userId: string, force: boolean): Promise<string[]> {
    if (!force && (await countRecoveryCodesLeft(trx, userId)) > 0) return [];
    const codes = generateRecoveryCodes(10);
    await replaceRecoveryCodes(
      trx,
      userId,
      codes.map((c) => ({ id: newId(), hash: hashRecoveryCode(c, deps.recoveryKey) })),
      iso(),
    );
    return codes;
  }

  /** Audits and mails a change, with the link that undoes it. */
  function record(
    trx: Executor,
    user: User,
    principal: Principal,
    change: { kind: 'factor.enabled' | 'factor.disabled' | 'recovery_codes.replaced'; type: string },
    description: string,
    data: Record<string, unknown>,
    context: RequestContext,
  ): Promise<void> {
    return deps.security.record(trx, {
      user,
      kind: change.kind,
      data,
      description,
      audit: 'mfa.changed',
      auditDetail: { change: change.type },
      sessionId: principal.sessionId,
      context,
      notifyPhone: user.phoneVerifiedAt === null ? null : user.phone,
    });
  }

  async function activate(
    principal: Principal,
    type: FactorType,
    input: { code: string; reauth: Reauthentication },
    context: RequestContext,
  ): Promise<string[]> {
    const { userId } = principal;
    const user = await activeUser(userId);
    const factor = await findFactor(db, userId, type);
    if (!factor) throw mfaError('mfa_not_pending');
    if (factor.enabled_at !== null) throw mfaError('mfa_already_enabled');
    await deps.reauth().confirm(user, principal, input.reauth, context);
    await checkCurrentCode(user, type, input.code);
    const codes = await inTransaction(db, async (trx) => {
      if (!(await enableFactor(trx, factor.id, factor.secret, iso()))) throw mfaError('mfa_already_enabled');
      await record(
        trx,
        user,
        principal,
        { kind: 'factor.enabled', type: `${type}.enabled` },
        `${FACTOR_NAMES[type]} was turned on`,
        { factorId: factor.id, type },
        context,
      );
      return issueRecoveryCodes(trx, userId, false);
    });
    return codes;
  }

  async function disable(
    principal: Principal,
    type: FactorType,
    input: { code: string; reauth: Reauthentication },
    context: RequestContext,
  ): Promise<void> {
    const { userId } = principal;
    const user = await activeUser(userId);
    const factor = await findFactor(db, userId, type);
    if (!factor || factor.enabled_at === null) throw mfaError('mfa_method_unavailable');
    await deps.reauth().confirm(user, principal, input.reauth, context);
    await checkCurrentCode(user, type, input.code);
    await inTransaction(db, async (trx) => {
      await deleteFactor(trx, factor.id);
      // With no factor left, recovery codes would be a way in without a second factor's purpose.
      let removedCodes = null;
      if (enabled(await listFactors(trx, userId)).length === 0) {
        removedCodes = await listRecoveryCodeRows(trx, userId);
        await replaceRecoveryCodes(trx, userId, [], iso());
      }
      await record(
        trx,
        user,
        principal,
        { kind: 'factor.disabled', type: `${type}.disabled` },
        `${FACTOR_NAMES[type]} was turned off`,
        removedFactorData(factor, removedCodes),
        context,
      );
    });
  }

  const loginHook: PostLoginHook = async ({ user, amr }) => {
    const factors = enabled(await listFactors(db, user.id));
    if (factors.length === 0) return { kind: 'continue' };
    const token = randomToken();
    const now = clock.now();
    await insertChallenge(db, {
      id: newId(),
      token_hash: sha256(token),
      user_id: user.id,
      amr: JSON.stringify(amr),
      expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
      created_at: now.toISOString(),
    });
    const methods: string[] = factors.map((f) => f.type);
    if ((await countRecoveryCodesLeft(db, user.id)) > 0) methods.push('recovery_code');
    return { kind: 'challenge', challenge: { mfaRequired: true, mfaToken: token, methods } };
  };

  async function liveChallenge(mfaToken: string) {
    const challenge = await findChallenge(db, sha256(mfaToken));
    if (
      !challenge ||
      challenge.consumed_at !== null ||
      challenge.expires_at <= iso() ||
      challenge.attempts >= CHALLENGE_ATTEMPTS
    ) {
      throw mfaError('invalid_mfa_token');
    }
    const user = await activeUser(challenge.user_id);
    return { challenge, user };
  }

  return {
    loginHook,

    /** Removes every factor, recovery code and pending sign-in of a user (account erasure). */
    forgetUser: (trx: Executor, userId: string) => deleteMfaData(trx, userId),

    async status(userId: string): Promise<{ methods: string[]; recoveryCodesLeft: number }> {
      const methods = enabled(await listFactors(db, userId)).map((f) => f.type);
      return { methods, recoveryCodesLeft: await countRecoveryCodesLeft(db, userId) };
    },

    /** A new TOTP secret, pending until a code from it activates it. */
    async startTotp(userId: string): Promise<{ secret: string; otpauthUrl: string; qrSvg: string }> {
      const user = await activeUser(userId);
      const existing = await findFactor(db, userId, 'totp');
      if (existing?.enabled_at) throw mfaError('mfa_already_enabled');
      const secret = generateTotpSecret();
      await upsertPendingFactor(db, {
        id: newId(),
        userId,
        type: 'totp',
        secret: encrypter.encrypt(secret, secretContext(userId)),
        now: iso(),
      });
      const otpauthUrl = totpUri({
        secret,
        account: user.email ?? user.phone ?? user.username ?? user.id,
        issuer: deps.issuer,
      });
      return { secret, otpauthUrl, qrSvg: await totpQrSvg(otpauthUrl) };
    },
    activateTotp: (principal: Principal, input: ChangeInput, context: RequestContext) =>
      activate(principal, 'totp', input, context),
    disableTotp: (principal: Principal, input: ChangeInput, context: RequestContext) =>
      disable(principal, 'totp', input, context),

    /** Mails a code that turns email codes on, or off once they are on. */
    async sendSetupCode(userId: string): Promise<void> {
      const user = await activeUser(userId);
      if (!user.email || user.emailVerifiedAt === null)
        throw mfaError('mfa_method_unavailable', { detail: 'A verified email address is needed.' });
      await guard.perKey('mfa-email-setup', user.id, { limit: 5, windowSeconds: 3600 });
      await inTransaction(db, async (trx) => {
        if (!(await findFactor(trx, userId, 'email')))
          await upsertPendingFactor(trx, { id: newId(), userId, type: 'email', secret: null, now: iso() });
        const issued = await otp.issueCode(trx, {
          purpose: 'mfa_email_setup',
          userId,
          target: user.email!,
          codeTtlSeconds: EMAIL_CODE_MINUTES * 60,
        });
        await mail.queue(trx, user.email!, mfaSetupCode({ code: issued.code, minutes: EMAIL_CODE_MINUTES }));
      });
    },
    activateEmail: (principal: Principal, input: ChangeInput, context: RequestContext) =>
      activate(principal, 'email', input, context),
    disableEmail: (principal: Principal, input: ChangeInput, context: RequestContext) =>
      disable(principal, 'email', input, context),

    /**
     * Re-authentication of an account without a password: a current code of a
     * factor enabled before `before` (the session's sign-in), so a factor set
     * up with a stolen token cannot vouch for the thief.
     */
    async verifyFactorCode(user: User, code: string, before: string): Promise<void> {
      const factors = enabled(await listFactors(db, user.id)).filter((f) => f.enabled_at! < before);
      if (factors.length === 0)
        throw mfaError('mfa_method_unavailable', {
          detail: 'The account has no second factor from before this sign-in to confirm with.',
        });
      await checkCurrentCode(user, factors.some((f) => f.type === 'totp') ? 'totp' : 'email', code);
    },

    /** Replaces the recovery codes; needs a current code of an enabled factor. */
    async regenerateRecoveryCodes(
      principal: Principal,
      input: ChangeInput,
      context: RequestContext,
    ): Promise<string[]> {
      const { userId } = principal;
      const user = await activeUser(userId);
      const factors = enabled(await listFactors(db, userId));
      if (factors.length === 0)
        throw mfaError('mfa_method_unavailable', { detail: 'Turn a second factor on first.' });
      const type = (factors.some((f) => f.type === 'totp') ? 'totp' : 'email') as FactorType;
      await deps.reauth().confirm(user, principal, input.reauth, context);
      await checkCurrentCode(user, type, input.code);
      const codes = await inTransaction(db, async (trx) => {
        const previous = await listRecoveryCodeRows(trx, userId);
        await record(
          trx,
          user,
          principal,
          { kind: 'recovery_codes.replaced', type: 'recovery_codes.replaced' },
          'New recovery codes were made (the old ones no longer work)',
          { previous },
          context,
        );
        return issueRecoveryCodes(trx, userId, true);
      });
      return codes;
    },

    /** Mails a sign-in code for a pending MFA sign-in. */
    async sendLoginCode(mfaToken: string): Promise<void> {
      const { user } = await liveChallenge(mfaToken);
      const factor = await findFactor(db, user.id, 'email');
      if (!factor?.enabled_at || !user.email) throw mfaError('mfa_method_unavailable');
      await guard.perKey('mfa-email-login', user.id, { limit: 5, windowSeconds: 900 });
      await inTransaction(db, async (trx) => {
        const issued = await otp.issueCode(trx, {
          purpose: 'mfa_email',
          userId: user.id,
          target: user.email!,
          codeTtlSeconds: EMAIL_CODE_MINUTES * 60,
        });
        await mail.queue(trx, user.email!, loginCode({ code: issued.code, minutes: EMAIL_CODE_MINUTES }));
      });
    },

    /** The second step: a code of one method completes the pending sign-in. */
    async completeChallenge(
      input: { mfaToken: string; method: MfaMethod; code: string },
      context: RequestContext,
    ): Promise<LoginResult> {
      const { challenge, user } = await liveChallenge(input.mfaToken);
      const factor = input.method === 'recovery_code' ? null : await findFactor(db, user.id, input.method);
      if (input.method !== 'recovery_code' && !factor?.enabled_at) throw mfaError('mfa_method_unavailable');
      // Both tries are taken before the code is checked, atomically: parallel
      // guesses cannot exceed the challenge's tries, nor, over many
      // challenges at once, the account's lockout.
      if (!(await countChallengeAttempt(db, challenge.id, CHALLENGE_ATTEMPTS)))
        throw mfaError('invalid_mfa_token');
      enforce(await guard.failures.reserve(lockKey(user.id)), 'mfa lockout');
      let ok = false;
      if (input.method === 'recovery_code') {
        ok = await useRecoveryCode(
          db,
          user.id,
          hashRecoveryCode(normaliseRecoveryCode(input.code), deps.recoveryKey),
          iso(),
        );
      } else if (factor) {
        if (input.method === 'totp') ok = await checkTotp(factor, input.code);
        else if (user.email) {
          ok = await useEmailCode('mfa_email', user.email, input.code);
        }
      }
      if (!ok) {
        await recordAudit(
          db,
          { type: 'login.failed', userId: user.id, context, detail: { method: input.method, step: 'mfa' } },
          clock.now(),
        );
        throw mfaError('invalid_mfa_code');
      }
      if (!(await consumeChallenge(db, challenge.id, iso()))) throw mfaError('invalid_mfa_token');
      await guard.failures.reset(lockKey(user.id));
      const amr = [
        ...(JSON.parse(challenge.amr) as string[]),
        input.method === 'totp' ? 'otp' : input.method,
        'mfa',
      ];
      return deps.openSession(user, amr, context);
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
