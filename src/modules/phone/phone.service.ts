// Phone numbers: sign-in by SMS code (phone-sign-in.ts, a login strategy that
// creates the account on first use) and linking a number to a signed-in
// account. Sending and checking codes: phone-codes.ts.

import type { CountryCode } from 'libphonenumber-js';
import type { Clock } from '../../platform/clock.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';
import { commonError } from '../../platform/errors.ts';
import type { Hooks } from '../../platform/hooks.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { SmsQueue } from '../../platform/sms/sms-queue.ts';
import type { Reauthentication, Reauthenticator, SignIn } from '../credentials/index.ts';
import type { InvitesService } from '../invites/index.ts';
import type { OtpService } from '../otp/index.ts';
import type { SecurityChanges } from '../security-changes/index.ts';
import type { LoginOutcome, Principal } from '../sessions/index.ts';
import {
  findUserById,
  findUserByVerifiedPhone,
  type User,
  type UsersService,
  userError,
} from '../users/index.ts';
import { phoneError } from './phone.errors.ts';
import { LINK_REQUESTS_PER_USER } from './phone.limits.ts';
import { deletePhoneNetworks } from './phone.repository.ts';
import { type CodeSent, createPhoneCodes } from './phone-codes.ts';
import { type AccountMade, createPhoneCodeStrategy, type PhoneLogin } from './phone-sign-in.ts';
import { registerPhoneUndo } from './phone-undo.ts';

export type { CodeSent } from './phone-codes.ts';

export interface PhoneDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly otp: OtpService;
  readonly sms: SmsQueue;
  readonly guard: RateGuard;
  /** Invite and referral codes of a new account (invites module). */
  readonly admission: Pick<InvitesService, 'check' | 'admit'>;
  /** The user record; its writes run the lifecycle hooks. */
  readonly users: Pick<UsersService, 'insert' | 'setVerifiedPhone' | 'restorePhone'>;
  readonly hooks: Hooks;
  /** Runs a login strategy, then the second factor and the session (credentials module). */
  readonly signIn: SignIn;
  /** Fresh proof for linking a number (credentials module; read at request time). */
  readonly reauth: () => Reauthenticator;
  /** Records each change with its undo link. */
  readonly security: SecurityChanges;
  readonly revokeOtherSessions: (trx: Executor, userId: string, keepSessionId: string) => Promise<string[]>;
  readonly config: {
    readonly defaultRegion: CountryCode | null;
    readonly appName: string;
  };
}

export function createPhoneService(deps: PhoneDeps) {
  const { db, clock, otp, guard } = deps;
  const codes = createPhoneCodes(deps);
  const strategy = createPhoneCodeStrategy({ ...deps, codes });
  registerPhoneUndo(deps.security, deps.users, () => clock.now().toISOString());
  /** Erasure: the networks known to be the user's go (read before the number is erased). */
  async function forgetUser(trx: Executor, userId: string): Promise<void> {
    const user = await findUserById(trx, userId);
    await deletePhoneNetworks(trx, { userId, phone: user?.phone ?? null });
  }
  deps.hooks.on('accountErased', (trx, e) => forgetUser(trx, e.userId));

  return {
    /** Erasure: the networks remembered for the account and its number. */
    forgetUser,

    /** Sends a sign-in code. The same reply whether or not the number has an account. */
    requestLoginCode(phoneInput: string, context: RequestContext): Promise<CodeSent> {
      return codes.send('phone_login', codes.parse(phoneInput), null, context);
    },

    /** Signs in with the code, creating the account on first use (unless sign-up needs an invite). */
    verifyLogin(input: PhoneLogin, context: RequestContext): Promise<LoginOutcome & AccountMade> {
      return deps.signIn(strategy, input, context);
    },

    /**
     * Sends a code to link a number to the signed-in account; 409 when another
     * account verified it, and with `refuseCurrent` (surfaces whose document
     * says so) when it is already this account's verified number.
     */
    async requestLinkCode(
      userId: string,
      phoneInput: string,
      context: RequestContext,
      options: LinkOptions = {},
    ): Promise<CodeSent> {
      const phone = codes.parse(phoneInput);
      // The 409 tells whether a number is registered: limited per account before the look-up.
      await guard.perKey('phone-link', userId, LINK_REQUESTS_PER_USER);
      const holder = await findUserByVerifiedPhone(db, phone);
      if (holder && holder.id !== userId) throw phoneError('phone_taken');
      if (holder && options.refuseCurrent) throw phoneError('phone_already_linked');
      return codes.send('phone_link', phone, userId, context);
    },

    /** Re-authentication by SMS: a code sent by POST /v1/me/phone to the user's own verified number. */
    async confirmOwnNumber(
      user: User,
      input: { code: string; oti: string },
      context: RequestContext,
    ): Promise<void> {
      if (!user.phone || user.phoneVerifiedAt === null)
        throw commonError('forbidden', { detail: 'The account has no verified number.' });
      const row = await codes.check('phone_link', user.phone, input.oti, input.code, context, user.id);
      await otp.consume(db, row);
    },

    /**
     * Links the number. Linking decides who can sign in by SMS, so it needs
     * fresh proof (the password, or without one a code from a channel the
     * account had before this session signed in), whether it is the first
     * number or replaces one. The change is audited and mailed with an undo
     * link; replacing a number also ends the other sessions.
     */
    async verifyLink(
      principal: Principal,
      input: { phone: string; code: string; oti: string; reauth: Reauthentication },
      context: RequestContext,
      options: LinkOptions = {},
    ): Promise<User> {
      const { userId } = principal;
      const phone = codes.parse(input.phone);
      const user = await findUserById(db, userId);
      if (user?.status !== 'active') throw userError('user_not_found');
      const replacing = user.phoneVerifiedAt !== null && user.phone !== phone;
      const relinking = user.phoneVerifiedAt !== null && user.phone === phone;
      if (relinking && options.refuseCurrent) throw phoneError('phone_already_linked');
      if (!relinking) await deps.reauth().reauthenticate(user, { principal, context, given: input.reauth });
      const row = await codes.check('phone_link', phone, input.oti, input.code, context, userId);
      const now = clock.now();
      try {
        await inTransaction(db, async (trx) => {
          await otp.consume(trx, row);
          const holder = await findUserByVerifiedPhone(trx, phone);
          if (holder && holder.id !== userId) throw phoneError('phone_taken');
          await deps.users.setVerifiedPhone(trx, userId, phone, now.toISOString());
          if (relinking) return;
          await deps.security.record(trx, {
            user,
            kind: 'phone.linked',
            data: {
              phone,
              previousPhone: user.phoneVerifiedAt === null ? null : user.phone,
              previousVerifiedAt: user.phoneVerifiedAt,
            },
            description: replacing
              ? 'Your sign-in phone number was changed'
              : 'A phone number was linked for signing in by SMS',
            audit: 'phone.changed',
            auditDetail: { change: replacing ? 'replaced' : 'linked' },
            sessionId: principal.sessionId,
            context,
            // Never the number just linked: it may be the thief's.
            notifyPhone: replacing ? user.phone : null,
          });
          if (replacing) await deps.revokeOtherSessions(trx, userId, principal.sessionId);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw phoneError('phone_taken');
        throw error;
      }
      return (await findUserById(db, userId))!;
    },
  };
}

export interface LinkOptions {
  /** Refuse the account's own verified number (409 `phone_already_linked`) instead of re-linking it. */
  readonly refuseCurrent?: boolean;
}

export type PhoneService = ReturnType<typeof createPhoneService>;
