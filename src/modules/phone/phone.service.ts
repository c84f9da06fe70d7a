// Phone numbers: sign-in by SMS code (creating the account on first use) and
// linking a number to a signed-in account. A code is bound to its one-time id
// (`oti`), its purpose and its number; 5 tries per code, 100 failures per
// number a day, sends throttled per number, per IP and globally.
import type { CountryCode } from 'libphonenumber-js';
import type { Clock } from '../../platform/clock.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';
import { commonError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import { enforce } from '../../platform/rate-limit/rate-limit.errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { SmsQueue } from '../../platform/sms/sms-queue.ts';
import { accountError } from '../accounts/accounts.errors.ts';
import {
  findUserById,
  findUserByVerifiedPhone,
  insertUser,
  setVerifiedPhone,
  type User,
} from '../accounts/accounts.repository.ts';
import { normalisePhone } from '../accounts/identifiers.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { OtpPurpose, OtpService } from '../otp/otp.service.ts';
import type { LoginResult } from '../sessions/login-flow.ts';
import { phoneError } from './phone.errors.ts';
import {
  PHONE_FAILURES,
  SEND_COOLDOWN_PER_PHONE,
  SENDS_GLOBAL,
  SENDS_PER_IP,
  SENDS_PER_PHONE,
  VERIFY_PER_IP,
} from './phone.limits.ts';

const CODE_MINUTES = 5;

export interface PhoneDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly otp: OtpService;
  readonly sms: SmsQueue;
  readonly guard: RateGuard;
  readonly completeLogin: (user: User, amr: string[], context: RequestContext) => Promise<LoginResult>;
  readonly config: {
    readonly defaultRegion: CountryCode | null;
    readonly inviteOnly: boolean;
    readonly appName: string;
  };
}

export interface CodeSent {
  readonly oti: string;
  readonly expiresAt: string;
}

export function createPhoneService(deps: PhoneDeps) {
  const { db, clock, otp, sms, guard, config } = deps;
  const failureKey = (phone: string) => `phone-otp:${phone}`;

  function parse(input: string): string {
    const phone = normalisePhone(input, config.defaultRegion);
    if (!phone) {
      throw commonError('validation_failed', {
        detail: 'The phone number is not valid.',
        errors: [{ path: 'phone', message: 'is not a valid phone number (use +<country code><number>)' }],
      });
    }
    return phone;
  }

  async function sendCode(
    purpose: OtpPurpose,
    phone: string,
    userId: string | null,
    context: RequestContext,
  ): Promise<CodeSent> {
    enforce(await guard.failures.check(failureKey(phone)), 'phone failures per day');
    await guard.perKey('sms-cooldown', phone, SEND_COOLDOWN_PER_PHONE);
    await guard.perKey('sms-phone', phone, SENDS_PER_PHONE);
    await guard.perIp('sms', context.ip, SENDS_PER_IP);
    await guard.perKey('sms-global', 'all', SENDS_GLOBAL);
    const issued = await inTransaction(db, async (trx) => {
      const code = await otp.issueCode(trx, {
        purpose,
        userId,
        target: phone,
        codeTtlSeconds: CODE_MINUTES * 60,
      });
      await sms.queue(
        trx,
        phone,
        `${code.code} is your ${config.appName} code. It expires in ${CODE_MINUTES} minutes.`,
      );
      return code;
    });
    sms.flush();
    return { oti: issued.id, expiresAt: issued.expiresAt };
  }

  /** Checks a code by its oti; a wrong one counts towards the number's daily failures. */
  async function checkCode(
    purpose: OtpPurpose,
    phone: string,
    oti: string,
    code: string,
    context: RequestContext,
  ) {
    await guard.perIp('sms-verify', context.ip, VERIFY_PER_IP);
    enforce(await guard.failures.check(failureKey(phone)), 'phone failures per day');
    try {
      const row = await otp.checkCodeById(db, purpose, oti, phone, code);
      await guard.failures.reset(failureKey(phone));
      return row;
    } catch (error) {
      await guard.failures.recordFailure(failureKey(phone), PHONE_FAILURES);
      throw error;
    }
  }

  return {
    /** Sends a sign-in code. The same reply whether or not the number has an account. */
    requestLoginCode(phoneInput: string, context: RequestContext): Promise<CodeSent> {
      return sendCode('phone_login', parse(phoneInput), null, context);
    },

    /** Signs in with the code, creating the account on first use (unless sign-up needs an invite). */
    async verifyLogin(
      input: { phone: string; code: string; oti: string },
      context: RequestContext,
    ): Promise<{ created: boolean; result: LoginResult }> {
      const phone = parse(input.phone);
      const row = await checkCode('phone_login', phone, input.oti, input.code, context);
      const now = clock.now();
      const { user, created } = await inTransaction(db, async (trx) => {
        await otp.consume(trx, row);
        const existing = await findUserByVerifiedPhone(trx, phone);
        if (existing) return { user: existing, created: false };
        // Invite codes arrive with the invites module; until then invite-only mode admits no new numbers.
        if (config.inviteOnly) throw accountError('invite_required');
        const id = newId();
        await insertUser(trx, {
          id,
          email: null,
          emailVerifiedAt: null,
          username: null,
          phone,
          phoneVerifiedAt: now.toISOString(),
          firstName: null,
          lastName: null,
          role: 'user',
          now: now.toISOString(),
        });
        await recordAudit(
          trx,
          { type: 'account.created', userId: id, context, detail: { method: 'phone' } },
          now,
        );
        return { user: (await findUserById(trx, id))!, created: true };
      });
      if (user.status === 'banned') throw accountError('account_disabled');
      return { created, result: await deps.completeLogin(user, ['sms'], context) };
    },

    /** Sends a code to link a number to the signed-in account; 409 when another account verified it. */
    async requestLinkCode(userId: string, phoneInput: string, context: RequestContext): Promise<CodeSent> {
      const phone = parse(phoneInput);
      const holder = await findUserByVerifiedPhone(db, phone);
      if (holder && holder.id !== userId) throw phoneError('phone_taken');
      return sendCode('phone_link', phone, userId, context);
    },

    /** Re-authentication by SMS: a code sent by POST /v1/me/phone to the user's own verified number. */
    async confirmOwnNumber(
      user: User,
      input: { code: string; oti: string },
      context: RequestContext,
    ): Promise<void> {
      if (!user.phone || user.phoneVerifiedAt === null)
        throw commonError('forbidden', { detail: 'The account has no verified number.' });
      const row = await checkCode('phone_link', user.phone, input.oti, input.code, context);
      if (row.userId !== user.id)
        throw commonError('validation_failed', {
          errors: [{ path: 'oti', message: 'belongs to another request' }],
        });
      await otp.consume(db, row);
    },

    async verifyLink(
      userId: string,
      input: { phone: string; code: string; oti: string },
      context: RequestContext,
    ): Promise<User> {
      const phone = parse(input.phone);
      const row = await checkCode('phone_link', phone, input.oti, input.code, context);
      if (row.userId !== userId)
        throw commonError('validation_failed', {
          errors: [{ path: 'oti', message: 'belongs to another request' }],
        });
      try {
        await inTransaction(db, async (trx) => {
          await otp.consume(trx, row);
          const holder = await findUserByVerifiedPhone(trx, phone);
          if (holder && holder.id !== userId) throw phoneError('phone_taken');
          await setVerifiedPhone(trx, userId, phone, clock.now().toISOString());
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw phoneError('phone_taken');
        throw error;
      }
      return (await findUserById(db, userId))!;
    },
  };
}

export type PhoneService = ReturnType<typeof createPhoneService>;
