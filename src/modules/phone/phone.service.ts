// Phone numbers: sign-in by SMS code (creating the account on first use) and
// linking a number to a signed-in account. A code is bound to its one-time id
// (`oti`), its purpose and its number; 5 tries per code, 100 failures per
// number a day; sends throttled as phone.limits.ts explains.
import type { CountryCode } from 'libphonenumber-js';
import type { Clock } from '../../platform/clock.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';
import { commonError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { networkKey } from '../../platform/rate-limit/ip-key.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import { enforce } from '../../platform/rate-limit/rate-limit.errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { SmsQueue } from '../../platform/sms/sms-queue.ts';
import { accountError } from '../accounts/index.ts';
import {
  findUserById,
  findUserByVerifiedPhone,
  insertUser,
  setVerifiedPhone,
  type User,
} from '../users/index.ts';
import { normalisePhone } from '../users/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Reauthentication, Reauthenticator } from '../credentials/index.ts';
import type { AdmissionInput, InvitesService } from '../invites/index.ts';
import type { OtpPurpose, OtpService } from '../otp/index.ts';
import { syncProfile } from '../profiles/index.ts';
import type { SecurityChanges } from '../security-changes/index.ts';
import type { LoginResult } from '../sessions/index.ts';
import type { Principal } from '../sessions/index.ts';
import { phoneError } from './phone.errors.ts';
import {
  LINK_REQUESTS_PER_USER,
  PHONE_FAILURES,
  SEND_COOLDOWN_SECONDS,
  SENDS_GLOBAL,
  SENDS_PER_IP,
  SENDS_PER_NETWORK,
  SENDS_PER_PHONE,
  SENDS_PER_PHONE_PER_NETWORK,
  VERIFY_PER_IP,
} from './phone.limits.ts';
import { deletePhoneNetworks, isKnownNetwork, markKnownNetwork } from './phone.repository.ts';
import { registerPhoneUndo } from './phone-undo.ts';

const CODE_MINUTES = 5;
/** A network a right code came from counts as the owner's this long. */
const KNOWN_NETWORK_DAYS = 90;

export interface PhoneDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly otp: OtpService;
  readonly sms: SmsQueue;
  readonly guard: RateGuard;
  /** Invite and referral codes of a new account (invites module). */
  readonly admission: Pick<InvitesService, 'check' | 'admit'>;
  readonly completeLogin: (user: User, amr: string[], context: RequestContext) => Promise<LoginResult>;
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

export interface CodeSent {
  readonly oti: string;
  readonly expiresAt: string;
  /** Seconds until this client may ask for the next code to the number: the cooldown, or longer when a quota is spent. */
  readonly retryAfter: number;
  /** When that is. */
  readonly nextSendAt: string;
}

export function createPhoneService(deps: PhoneDeps) {
  const { db, clock, otp, sms, guard, config } = deps;
  /**
   * Wrong codes per number and day (NIST's cap): one count for every network
   * the owner has not used, and one per network the owner has.
   */
  const failureKey = (phone: string, knownNetwork: string | null) =>
    knownNetwork ? `phone-otp:${phone}:net:${knownNetwork}` : `phone-otp:${phone}`;
  const knownNetwork = (phone: string, network: string) =>
    isKnownNetwork(
      db,
      phone,
      network,
      new Date(clock.now().getTime() - KNOWN_NETWORK_DAYS * 86_400_000).toISOString(),
    );
  registerPhoneUndo(deps.security, () => clock.now().toISOString());

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
    // The caller's own limits first: a refused flood spends nothing of the number's.
    const leftForIp = await guard.perIp('sms', context.ip, SENDS_PER_IP);
    // Then the number as seen from the caller's network. A network the
    // number's owner has entered a right code from keeps its own failure count
    // and is not held back by the budget all other networks share, so a flood
    // from many networks cannot close SMS sign-in to the owner.
    const network = networkKey(context.ip);
    const known = await knownNetwork(phone, network);
    enforce(await guard.failures.check(failureKey(phone, known ? network : null)), 'phone failures per day');
    await guard.cooldown('sms-cooldown', `${phone}:${network}`, SEND_COOLDOWN_SECONDS);
    const sentFromHere = await guard.countPerKey(
      'sms-phone',
      `${phone}:${network}`,
      SENDS_PER_PHONE_PER_NETWORK,
    );
    if (!known) await guard.sharedBudget('sms-phone-all', phone, sentFromHere, SENDS_PER_PHONE);
    const sentByNetwork = await guard.countPerKey('sms-network', network, SENDS_PER_NETWORK);
    await guard.sharedBudget('sms-global', 'all', sentByNetwork, SENDS_GLOBAL);
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
    // The next send waits for the cooldown, and for every limit this one spent:
    // a 202 that said 30 s while the hour's quota is gone would be a lie.
    const waits = [SEND_COOLDOWN_SECONDS];
    if (sentFromHere >= SENDS_PER_PHONE_PER_NETWORK.limit) {
      waits.push(await guard.waitPerKey('sms-phone', `${phone}:${network}`, SENDS_PER_PHONE_PER_NETWORK));
    }
    if (leftForIp === 0) waits.push(await guard.waitPerIp('sms', context.ip, SENDS_PER_IP));
    const retryAfter = Math.max(...waits);
    const nextSendAt = new Date(clock.now().getTime() + retryAfter * 1000).toISOString();
    return { oti: issued.id, expiresAt: issued.expiresAt, retryAfter, nextSendAt };
  }

  /** Checks a code by its oti; a wrong try at a real code counts towards the number's daily failures. */
  async function checkCode(
    purpose: OtpPurpose,
    phone: string,
    oti: string,
    code: string,
    context: RequestContext,
  ) {
    await guard.perIp('sms-verify', context.ip, VERIFY_PER_IP);
    const network = networkKey(context.ip);
    const key = failureKey(phone, (await knownNetwork(phone, network)) ? network : null);
    enforce(await guard.failures.check(key), 'phone failures per day');
    const outcome = await otp.tryCodeById(db, purpose, oti, phone, code);
    if ('row' in outcome) {
      await guard.failures.reset(key);
      // The owner's network from now on (the code proved the phone is at hand here).
      await markKnownNetwork(db, {
        phone,
        network,
        userId: outcome.row.userId,
        now: clock.now().toISOString(),
      });
      return outcome.row;
    }
    // Made-up otis cost nothing, so nobody can lock a number out without its codes.
    if (outcome.counted) await guard.failures.recordFailure(key, PHONE_FAILURES);
    throw otp.refuse();
  }

  return {
    /** Erasure: the networks remembered for the account and its number. */
    async forgetUser(trx: Executor, userId: string): Promise<void> {
      const user = await findUserById(trx, userId);
      await deletePhoneNetworks(trx, { userId, phone: user?.phone ?? null });
    },

    /** Sends a sign-in code. The same reply whether or not the number has an account. */
    requestLoginCode(phoneInput: string, context: RequestContext): Promise<CodeSent> {
      return sendCode('phone_login', parse(phoneInput), null, context);
    },

    /** Signs in with the code, creating the account on first use (unless sign-up needs an invite). */
    async verifyLogin(
      input: { phone: string; code: string; oti: string } & AdmissionInput,
      context: RequestContext,
    ): Promise<{ created: boolean; result: LoginResult }> {
      const phone = parse(input.phone);
      const row = await checkCode('phone_login', phone, input.oti, input.code, context);
      const now = clock.now();
      const { user, created } = await inTransaction(db, async (trx) => {
        await otp.consume(trx, row);
        const existing = await findUserByVerifiedPhone(trx, phone);
        if (existing) return { user: existing, created: false };
        // A new number is a sign-up: invite-only mode wants a code here too.
        const admission = await deps.admission.check(trx, input);
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
        await syncProfile(trx, id, now.toISOString());
        await deps.admission.admit(trx, id, admission, now.toISOString());
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
      // The 409 tells whether a number is registered: limited per account before the look-up.
      await guard.perKey('phone-link', userId, LINK_REQUESTS_PER_USER);
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
    ): Promise<User> {
      const { userId } = principal;
      const phone = parse(input.phone);
      const user = await findUserById(db, userId);
      if (user?.status !== 'active') throw accountError('user_not_found');
      const replacing = user.phoneVerifiedAt !== null && user.phone !== phone;
      const relinking = user.phoneVerifiedAt !== null && user.phone === phone;
      if (!relinking) await deps.reauth().confirm(user, principal, input.reauth, context);
      const row = await checkCode('phone_link', phone, input.oti, input.code, context);
      if (row.userId !== userId)
        throw commonError('validation_failed', {
          errors: [{ path: 'oti', message: 'belongs to another request' }],
        });
      const now = clock.now();
      try {
        await inTransaction(db, async (trx) => {
          await otp.consume(trx, row);
          const holder = await findUserByVerifiedPhone(trx, phone);
          if (holder && holder.id !== userId) throw phoneError('phone_taken');
          await setVerifiedPhone(trx, userId, phone, now.toISOString());
          await syncProfile(trx, userId, now.toISOString());
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

export type PhoneService = ReturnType<typeof createPhoneService>;
