// SMS codes for phone numbers: sending one (throttled as phone.limits.ts
// explains) and checking one. A code is the OTP module's, bound to its
// one-time id (`oti`), its purpose and its number; 5 tries per code, 100
// failures per number a day, counted per network for networks the number's
// owner has entered a right code from.
import type { CountryCode } from 'libphonenumber-js';
import type { Clock } from '../../platform/clock.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { commonError } from '../../platform/errors.ts';
import { networkKey } from '../../platform/rate-limit/ip-key.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import { enforce } from '../../platform/rate-limit/rate-limit.errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { SmsQueue } from '../../platform/sms/sms-queue.ts';
import type { OtpPurpose, OtpService } from '../otp/index.ts';
import { normalisePhone } from '../users/index.ts';
import {
  PHONE_FAILURES,
  SEND_COOLDOWN_SECONDS,
  SENDS_GLOBAL,
  SENDS_PER_IP,
  SENDS_PER_NETWORK,
  SENDS_PER_PHONE,
  SENDS_PER_PHONE_PER_NETWORK,
  VERIFY_PER_IP,
} from './phone.limits.ts';
import { isKnownNetwork, markKnownNetwork } from './phone.repository.ts';

const CODE_MINUTES = 5;
/** A network a right code came from counts as the owner's this long. */
const KNOWN_NETWORK_DAYS = 90;

export interface CodeSent {
  readonly oti: string;
  readonly expiresAt: string;
  /** Seconds until this client may ask for the next code to the number: the cooldown, or longer when a quota is spent. */
  readonly retryAfter: number;
  /** When that is. */
  readonly nextSendAt: string;
}

export interface PhoneCodesDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly otp: OtpService;
  readonly sms: SmsQueue;
  readonly guard: RateGuard;
  readonly config: { readonly defaultRegion: CountryCode | null; readonly appName: string };
}

export function createPhoneCodes(deps: PhoneCodesDeps) {
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

  /** The number in E.164; 422 when it is not a valid one. */
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

  async function send(
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

  /**
   * Checks a code by its oti; a wrong try at a real code counts towards the
   * number's daily failures. With `owner` (a signed-in user checking a code
   * sent at their request) a refusal says why: the oti, the code's time, or
   * the code itself.
   */
  async function check(
    purpose: OtpPurpose,
    phone: string,
    oti: string,
    code: string,
    context: RequestContext,
    owner?: string,
  ) {
    await guard.perIp('sms-verify', context.ip, VERIFY_PER_IP);
    const network = networkKey(context.ip);
    const key = failureKey(phone, (await knownNetwork(phone, network)) ? network : null);
    enforce(await guard.failures.check(key), 'phone failures per day');
    const outcome = await otp.tryCodeById(db, purpose, oti, phone, code);
    // Another user's code, even the right one, is no code of the owner's.
    if ('row' in outcome && owner !== undefined && outcome.row.userId !== owner)
      throw await otp.refuseOwner(db, { purpose, id: oti, target: phone, userId: owner });
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
    if (owner === undefined) throw otp.refuse();
    throw await otp.refuseOwner(db, {
      purpose,
      id: oti,
      target: phone,
      userId: owner,
      wrongTry: outcome.counted,
    });
  }

  return { parse, send, check };
}

export type PhoneCodes = ReturnType<typeof createPhoneCodes>;
