import type { Executor } from '../../platform/db/executor.ts';
import { isUniqueViolation } from '../../platform/db/unique-violation.ts';

export interface InviteCode {
  /** Encrypted in storage; the service decrypts it for the owner. */
  readonly code: string;
  readonly createdAt: string;
  readonly usedBy: string | null;
  readonly usedAt: string | null;
}

/** False when the code exists already (pick another). */
export async function insertInviteCode(
  db: Executor,
  ownerId: string,
  code: { hash: string; encrypted: string },
  now: string,
): Promise<boolean> {
  const r = await db
    .insertInto('invite_codes')
    .values({ code_hash: code.hash, code_encrypted: code.encrypted, owner_id: ownerId, created_at: now })
    .onConflict((oc) => oc.column('code_hash').doNothing())
    .returning('code_hash')
    .executeTakeFirst();
  return r !== undefined;
}

export async function countInviteCodes(db: Executor, ownerId: string): Promise<number> {
  const r = await db
    .selectFrom('invite_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('owner_id', '=', ownerId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/**
 * The owner's codes, newest first. `usedBy` names the admitted account only
 * once it has verified an address or number: before that, a code spent on a
 * sign-up for a taken address looks the same as one that made an account.
 */
export async function listInviteCodes(
  db: Executor,
  ownerId: string,
): Promise<(InviteCode & { hash: string })[]> {
  const rows = await db
    .selectFrom('invite_codes as c')
    .leftJoin('users as u', 'u.id', 'c.used_by')
    .select([
      'c.code_hash',
      'c.code_encrypted',
      'c.created_at',
      'c.used_by',
      'c.used_at',
      'u.email_verified_at',
      'u.phone_verified_at',
    ])
    .where('c.owner_id', '=', ownerId)
    .orderBy('c.created_at', 'desc')
    .orderBy('c.code_hash')
    .execute();
  return rows.map((r) => ({
    hash: r.code_hash,
    code: r.code_encrypted,
    createdAt: r.created_at,
    usedBy: r.email_verified_at !== null || r.phone_verified_at !== null ? r.used_by : null,
    usedAt: r.used_at,
  }));
}

export async function isUnusedInvite(db: Executor, codeHash: string): Promise<boolean> {
  const r = await db
    .selectFrom('invite_codes')
    .select('code_hash')
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return r !== undefined;
}

/** Marks the code used (by this account, if one was made); false when it was used meanwhile or never existed. */
export async function useInvite(
  db: Executor,
  codeHash: string,
  userId: string | null,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('invite_codes')
    .set({ used_by: userId, used_at: now })
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return r.numUpdatedRows === 1n;
}

export async function findReferralCode(db: Executor, userId: string): Promise<string | null> {
  const r = await db
    .selectFrom('referral_codes')
    .select('code')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r?.code ?? null;
}

/** Gives the user this code unless they have one already; false when another user holds the code. */
export async function insertReferralCode(db: Executor, userId: string, code: string): Promise<boolean> {
  try {
    await db
      .insertInto('referral_codes')
      .values({ user_id: userId, code })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function findReferrer(db: Executor, code: string): Promise<string | null> {
  const r = await db
    .selectFrom('referral_codes')
    .select('user_id')
    .where('code', '=', code)
    .executeTakeFirst();
  return r?.user_id ?? null;
}

export async function insertReferral(
  db: Executor,
  referredId: string,
  referrerId: string,
  now: string,
): Promise<void> {
  await db
    .insertInto('referrals')
    .values({ referred_id: referredId, referrer_id: referrerId, created_at: now })
    .execute();
}

/** Referred accounts that have verified an address or number (throwaway sign-ups do not count). */
export async function countReferrals(db: Executor, referrerId: string): Promise<number> {
  const r = await db
    .selectFrom('referrals as r')
    .innerJoin('users as u', 'u.id', 'r.referred_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('r.referrer_id', '=', referrerId)
    .where((eb) =>
      eb.or([eb('u.email_verified_at', 'is not', null), eb('u.phone_verified_at', 'is not', null)]),
    )
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Erasure: unused codes go (used ones stay as the record of who came in by them), and the referral code. */
export async function forgetInvites(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('invite_codes').where('owner_id', '=', userId).where('used_at', 'is', null).execute();
  await db.deleteFrom('referral_codes').where('user_id', '=', userId).execute();
}
