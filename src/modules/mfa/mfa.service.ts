// Second factors behind one interface (factor.ts): TOTP (authenticator apps),
// codes by email, and single-use recovery codes. This file composes them:
// set-up starts at the factor (enroll), changes are factor-changes.ts, and the
// second step of a sign-in is second-step.ts, a post-login hook every login
// strategy passes through.

import type { Clock } from '../../platform/clock.ts';
import type { Encrypter } from '../../platform/crypto/encryption.ts';
import type { Executor } from '../../platform/db/executor.ts';
import type { Hooks } from '../../platform/hooks.ts';
import type { MailQueue } from '../../platform/outbox/mail-queue.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Reauthenticator } from '../credentials/index.ts';
import type { OtpService } from '../otp/index.ts';
import type { SecurityChanges } from '../security-changes/index.ts';
import type { PostLoginHook, Principal, SignedIn } from '../sessions/index.ts';
import { findUserById, type User, userError } from '../users/index.ts';
import type { EnrolledFactor, FactorKind, MfaMethod } from './factor.ts';
import { type ChangeInput, createFactorChanges } from './factor-changes.ts';
import { createEmailCodeFactor } from './factors/email-code.ts';
import { createRecoveryCodes } from './factors/recovery-code.ts';
import { createTotpFactor, type TotpEnrollment } from './factors/totp.ts';
import { mfaError } from './mfa.errors.ts';
import { deleteMfaData, listFactors } from './mfa.repository.ts';
import { registerMfaUndo } from './mfa-undo.ts';
import { createSecondStep } from './second-step.ts';

export type { MfaMethod } from './factor.ts';
export type { ChangeInput } from './factor-changes.ts';

export interface MfaDeps {
  readonly hooks: Hooks;
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
  readonly openSession: (user: User, amr: string[], context: RequestContext) => Promise<SignedIn>;
  /** The steps every sign-in runs after its first factor (credentials' signIn); MFA adds its own. */
  readonly postLoginHooks: PostLoginHook[];
}

export function createMfaService(deps: MfaDeps) {
  const { db, clock, guard } = deps;
  const now = () => clock.now().toISOString();
  /** One lockout per account for every second-factor code, at sign-in and when signed in. */
  const lockKey = (userId: string) => `mfa:${userId}`;
  async function activeUser(userId: string): Promise<User> {
    const user = await findUserById(db, userId);
    if (user?.status !== 'active') throw userError('user_not_found');
    return user;
  }

  const totp = createTotpFactor({ db, clock, encrypter: deps.encrypter, issuer: deps.issuer });
  const email = createEmailCodeFactor({ db, clock, otp: deps.otp, mail: deps.mail, guard });
  const factors: Readonly<Record<FactorKind, EnrolledFactor>> = { totp, email };
  const recovery = createRecoveryCodes({ clock, key: deps.recoveryKey });
  const methodsOn = async (userId: string): Promise<string[]> =>
    (await listFactors(db, userId)).filter((f) => f.enabled_at !== null).map((f) => f.type);
  registerMfaUndo(deps.security, now, (kind) => factors[kind].name);

  const shared = { db, guard, factors, recovery, activeUser, lockKey };

  /** The factor started last and not finished (a TOTP secret not activated, a change code mailed and good), and those on. */
  async function pending(userId: string): Promise<{ started: FactorKind | null; on: FactorKind[] }> {
    const user = await activeUser(userId);
    const rows = await listFactors(db, userId);
    const on = rows.filter((f) => f.enabled_at !== null).map((f) => f.type as FactorKind);
    const totpStarted = rows.find((f) => f.type === 'totp' && f.enabled_at === null)?.created_at ?? null;
    const emailCode = await email.changeCodeSentAt(user);
    const started =
      emailCode !== null && (totpStarted === null || emailCode >= totpStarted)
        ? 'email'
        : totpStarted !== null
          ? 'totp'
          : null;
    return { started, on };
  }
  const changes = createFactorChanges({
    ...shared,
    now,
    otp: deps.otp,
    security: deps.security,
    reauth: deps.reauth,
  });
  const secondStep = createSecondStep({ ...shared, clock, openSession: deps.openSession });

  const service = {
    loginHook: secondStep.open,

    /** Removes every factor, recovery code and pending sign-in of a user (account erasure). */
    forgetUser: (trx: Executor, userId: string) => deleteMfaData(trx, userId),

    async status(userId: string): Promise<{ methods: string[]; recoveryCodesLeft: number }> {
      return { methods: await methodsOn(userId), recoveryCodesLeft: await recovery.left(db, userId) };
    },

    /** The second factors that are on, alone (faces that show no recovery-code count). */
    methodsOn,

    /**
     * For faces that turn "the" second factor on and off with a code alone
     * (seed 003): starts a factor's set-up (refused when it is on already),
     * turns on the one started last, and turns off the one a code was asked
     * for (email, when a change code was mailed or it is the only one on),
     * else the authenticator app.
     */
    async initiate(userId: string, kind: FactorKind): Promise<TotpEnrollment | null> {
      if ((await pending(userId)).on.includes(kind)) throw mfaError('mfa_already_enabled');
      if (kind === 'totp') return totp.enroll(await activeUser(userId));
      await email.enroll(await activeUser(userId));
      return null;
    },
    async activateStarted(
      principal: Principal,
      input: ChangeInput,
      context: RequestContext,
    ): Promise<string[]> {
      const { started } = await pending(principal.userId);
      if (started === null)
        throw mfaError('mfa_not_pending', { detail: 'Start the set-up of a factor first.' });
      return changes.activate(principal, started, input, context);
    },
    async disableCurrent(
      principal: Principal,
      input: ChangeInput,
      context: RequestContext,
    ): Promise<FactorKind> {
      const { started, on } = await pending(principal.userId);
      const kind = on.includes('email') && (started === 'email' || !on.includes('totp')) ? 'email' : 'totp';
      if (!on.includes(kind)) throw mfaError('mfa_method_unavailable', { detail: 'No second factor is on.' });
      await changes.disable(principal, kind, input, context);
      return kind;
    },

    /** A new TOTP secret, pending until a code from it activates it. */
    startTotp: async (userId: string): Promise<TotpEnrollment> => totp.enroll(await activeUser(userId)),
    activateTotp: (principal: Principal, input: ChangeInput, context: RequestContext) =>
      changes.activate(principal, 'totp', input, context),
    disableTotp: (principal: Principal, input: ChangeInput, context: RequestContext) =>
      changes.disable(principal, 'totp', input, context),

    /** Mails a code that turns email codes on, or off once they are on. */
    sendSetupCode: async (userId: string): Promise<void> => email.enroll(await activeUser(userId)),
    activateEmail: (principal: Principal, input: ChangeInput, context: RequestContext) =>
      changes.activate(principal, 'email', input, context),
    disableEmail: (principal: Principal, input: ChangeInput, context: RequestContext) =>
      changes.disable(principal, 'email', input, context),

    verifyFactorCode: changes.verifyFactorCode,
    regenerateRecoveryCodes: changes.regenerateRecoveryCodes,

    /** Mails a sign-in code for a pending MFA sign-in. */
    sendLoginCode: (mfaToken: string) => secondStep.sendCode(mfaToken, 'email'),

    /** The second step: a code of one method completes the pending sign-in. */
    completeChallenge: (
      input: { mfaToken: string; method: MfaMethod; code: string },
      context: RequestContext,
    ): Promise<SignedIn> => secondStep.complete(input, context),
  };
  // Every strategy's sign-in reaches this second step.
  deps.postLoginHooks.push(service.loginHook);
  // Erasure: factors, recovery codes and pending sign-ins go with the account.
  deps.hooks.on('accountErased', (trx, e) => service.forgetUser(trx, e.userId));
  return service;
}

export type MfaService = ReturnType<typeof createMfaService>;
