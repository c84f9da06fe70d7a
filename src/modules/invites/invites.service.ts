// Invite codes and referrals. With ROSTER_INVITE_ONLY, every sign-up (password
// or phone) must bring an unused invite code, which the new account uses up in
// the transaction that creates it: a code admits exactly one account, however
// many sign-ups race for it. A referral code names who brought the new user.
import type { Clock } from '../../platform/clock.ts';
import type { Encrypter } from '../../platform/crypto/encryption.ts';
import { hmacSha256 } from '../../platform/crypto/tokens.ts';
import type { Dialect } from '../../platform/db/database.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { commonError } from '../../platform/errors.ts';
import type { Hooks } from '../../platform/hooks.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import { findUserById, findUsersByIds, type UsersService } from '../users/index.ts';
import { displayCode, newCode, normaliseCode } from './codes.ts';
import { inviteError } from './invites.errors.ts';
import { hasVerified, registerInvitesHooks } from './invites.hooks.ts';
import { INVITE_CODES_PER_USER } from './invites.limits.ts';
import {
  countInviteCodes,
  countReferrals,
  countReferralsOf,
  findReferralCode,
  findReferrer,
  type InviteCode,
  insertInviteCode,
  insertReferral,
  insertReferralCode,
  isUnusedInvite,
  listInviteCodes,
  lockOwner,
  useInvite,
} from './invites.repository.ts';

export const INVITE_CODE_LENGTH = 10;
export const REFERRAL_CODE_LENGTH = 8;

/** What a sign-up brought, checked before the account exists. */
export interface Admission {
  /** The invite's HMAC (its key in storage). */
  readonly inviteCode: string | null;
  readonly referrerId: string | null;
}

export interface AdmissionInput {
  readonly inviteCode?: string | undefined;
  readonly referralCode?: string | undefined;
}

const shown = (c: InviteCode): InviteCode => ({ ...c, code: displayCode(c.code) });

export function createInvitesService(deps: {
  db: Executor;
  dialect: Dialect;
  clock: Clock;
  guard: RateGuard;
  /** HMAC key for invite codes, and the encrypter of their copies for display. */
  codeKey: string;
  encrypter: Encrypter;
  config: { inviteOnly: boolean; inviteQuota: number };
  hooks: Hooks;
  /** The owner is held active while a code is made (an erasure waits, or the creation is refused). */
  users: Pick<UsersService, 'lockActive'>;
}) {
  const { db, dialect, clock, config, guard, codeKey, encrypter } = deps;
  registerInvitesHooks(deps.hooks);
  const hashOf = (code: string) => hmacSha256(codeKey, code);
  const CONTEXT = (hash: string) => `invite_code:${hash}`;

  /** Tries fresh codes until one is free: a clash of 40 or 50 random bits is rare, five in a row unheard of. */
  async function withFreshCode(length: number, insert: (code: string) => Promise<boolean>): Promise<string> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = newCode(length);
      if (await insert(code)) return code;
    }
    throw new Error('no free code after five tries');
  }

  /** The user's referral code, made on the first ask. */
  async function referralCode(userId: string): Promise<string> {
    let code = await findReferralCode(db, userId);
    if (code === null) {
      await inTransaction(db, async (trx) => {
        await deps.users.lockActive(trx, userId);
        await withFreshCode(REFERRAL_CODE_LENGTH, (c) => insertReferralCode(trx, userId, c));
      });
      // A concurrent first request may have won; its code is the one.
      code = (await findReferralCode(db, userId))!;
    }
    return displayCode(code);
  }

  return {
    /**
     * Checks a sign-up's codes inside its transaction, before anything else:
     * the reply for a bad code is the same whether or not the address has an
     * account. Uses nothing up; `admit` does, once the account exists.
     */
    async check(trx: Executor, input: AdmissionInput): Promise<Admission> {
      let inviteCode: string | null = null;
      if (input.inviteCode !== undefined) {
        const code = normaliseCode(input.inviteCode);
        inviteCode = code === null ? null : hashOf(code);
        if (inviteCode === null || !(await isUnusedInvite(trx, inviteCode)))
          throw inviteError('invite_invalid');
      } else if (config.inviteOnly) {
        throw inviteError('invite_required');
      }
      let referrerId: string | null = null;
      if (input.referralCode !== undefined) {
        const code = normaliseCode(input.referralCode);
        referrerId = code === null ? null : await findReferrer(trx, code);
        if (referrerId === null) {
          throw commonError('validation_failed', {
            detail: 'The referral code is not one of ours.',
            errors: [{ path: 'referralCode', message: 'is not a referral code' }],
          });
        }
      }
      return { inviteCode, referrerId };
    },

    /**
     * The new account uses its invite (refused if a racing sign-up took it
     * first) and records its referrer. A sign-up for a taken address passes
     * no account (`userId` null) and still spends the invite, so the code
     * cannot be used to learn which addresses have accounts; no referral is
     * recorded for it, and referrals count only once the account is verified.
     */
    async admit(trx: Executor, userId: string | null, admission: Admission, now: string): Promise<void> {
      if (admission.inviteCode !== null && !(await useInvite(trx, admission.inviteCode, userId, now)))
        throw inviteError('invite_invalid');
      if (admission.referrerId !== null && userId !== null) {
        const verified = hasVerified(await findUserById(trx, userId));
        await insertReferral(trx, userId, admission.referrerId, verified, now);
      }
    },

    async createCode(userId: string): Promise<InviteCode> {
      await guard.perUser('invite-code', userId, INVITE_CODES_PER_USER);
      const user = await findUserById(db, userId);
      const now = clock.now().toISOString();
      const code = await inTransaction(db, async (trx) => {
        await deps.users.lockActive(trx, userId);
        // Two creations at once must not both pass the quota.
        await lockOwner(trx, dialect, userId);
        if (user?.role !== 'admin' && (await countInviteCodes(trx, userId)) >= config.inviteQuota)
          throw inviteError('invite_quota_reached', {
            detail: `Each account may create ${config.inviteQuota} invite codes.`,
          });
        return withFreshCode(INVITE_CODE_LENGTH, (c) => {
          const hash = hashOf(c);
          return insertInviteCode(trx, userId, { hash, encrypted: encrypter.encrypt(c, CONTEXT(hash)) }, now);
        });
      });
      return shown({ code, createdAt: now, usedBy: null, usedAt: null });
    },

    /**
     * The owner's codes, newest first. `usedBy` names the admitted account only
     * once it has verified an address or number: before that, a code spent on a
     * sign-up for a taken address looks the same as one that made an account.
     */
    async listCodes(userId: string): Promise<InviteCode[]> {
      const codes = await listInviteCodes(db, userId);
      const used = await findUsersByIds(db, [...new Set(codes.flatMap((c) => (c.usedBy ? [c.usedBy] : [])))]);
      return codes.map(({ hash, ...c }) =>
        shown({
          ...c,
          code: encrypter.decrypt(c.code, CONTEXT(hash)),
          usedBy: c.usedBy !== null && hasVerified(used.get(c.usedBy)) ? c.usedBy : null,
        }),
      );
    },

    /** How many verified accounts each user referred (the `referral` achievement); 0s are absent. */
    verifiedReferrals: (userIds: readonly string[]) => countReferralsOf(db, userIds),

    /** The user's referral code (made on first request) and how many sign-ups named it. */
    async referral(userId: string): Promise<{ code: string; referredCount: number }> {
      return { code: await referralCode(userId), referredCount: await countReferrals(db, userId) };
    },

    /** The user's referral code alone (made on first use), for faces that show no count. */
    referralCode,
  };
}

export type InvitesService = ReturnType<typeof createInvitesService>;
