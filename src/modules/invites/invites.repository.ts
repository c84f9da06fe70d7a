// Invite codes, referral codes and referrals: this module's tables only.
// Whether an admitted or referred account has verified is the user record's;
// the service reads it there (codes) or keeps it on the referral by a hook.
import { type RawBuilder, sql } from 'kysely';
import type { Dialect } from '../../platform/db/database.ts';
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
 * Serialises one owner's code creations (the quota check and the insert):
 * a PostgreSQL advisory lock held to the end of the transaction. SQLite
 * writers are serialised already.
 */
export async function lockOwner(db: Executor, dialect: Dialect, ownerId: string): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(hashtextextended(${`roster:invite-codes:${ownerId}`}, 0))`.execute(
    db,
  );
}

/** The owner's codes, newest first; `usedBy` as stored (the service names it only once verified). */
export async function listInviteCodes(
  db: Executor,
  ownerId: string,
): Promise<(InviteCode & { hash: string })[]> {
  const rows = await db
    .selectFrom('invite_codes')
    .select(['code_hash', 'code_encrypted', 'created_at', 'used_by', 'used_at'])
    .where('owner_id', '=', ownerId)
    .orderBy('created_at', 'desc')
    .orderBy('code_hash')
    .execute();
  return rows.map((r) => ({
    hash: r.code_hash,
    code: r.code_encrypted,
    createdAt: r.created_at,
    usedBy: r.used_by,
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

/** `verified`: whether the referred account has verified an address or number (counted only then). */
export async function insertReferral(
  db: Executor,
  referredId: string,
  referrerId: string,
  verified: boolean,
  now: string,
): Promise<void> {
  await db
    .insertInto('referrals')
    .values({ referred_id: referredId, referrer_id: referrerId, verified: verified ? 1 : 0, created_at: now })
    .execute();
}

/** Keeps a referral's `verified` as the referred account now stands. */
export async function setReferralVerified(
  db: Executor,
  referredId: string,
  verified: boolean,
): Promise<void> {
  await db
    .updateTable('referrals')
    .set({ verified: verified ? 1 : 0 })
    .where('referred_id', '=', referredId)
    .where('verified', '!=', verified ? 1 : 0)
    .execute();
}

/** Referred accounts that have verified an address or number (throwaway sign-ups do not count). */
export async function countReferrals(db: Executor, referrerId: string): Promise<number> {
  const r = await db
    .selectFrom('referrals')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('referrer_id', '=', referrerId)
    .where('verified', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** countReferrals for several referrers in one query; those with none are absent. */
export async function countReferralsOf(
  db: Executor,
  referrerIds: readonly string[],
): Promise<Map<string, number>> {
  if (referrerIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('referrals')
    .select(['referrer_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('referrer_id', 'in', referrerIds)
    .where('verified', '=', 1)
    .groupBy('referrer_id')
    .execute();
  return new Map(rows.map((r) => [r.referrer_id, Number(r.n)]));
}

/**
 * Erasure: unused codes go (used ones stay as the record of who came in by
 * them), and the referral code; a referral of the user stops counting.
 */
export async function forgetInvites(db: Executor, userId: string): Promise<void> {
  // Their codes, spent or not (a deleted code admits no one: it is unknown now).
  await db.deleteFrom('invite_codes').where('owner_id', '=', userId).execute();
  // A code the user signed up with stays spent, naming no one.
  await db.updateTable('invite_codes').set({ used_by: null }).where('used_by', '=', userId).execute();
  await db.deleteFrom('referral_codes').where('user_id', '=', userId).execute();
  // Who referred them, and whom they referred: an erased account counts for no one.
  await db
    .deleteFrom('referrals')
    .where((eb) => eb.or([eb('referred_id', '=', userId), eb('referrer_id', '=', userId)]))
    .execute();
}

/**
 * A condition on the user column it names: the user signed up with the
 * viewer's referral code or one of the viewer's invite codes (the accounts
 * the viewer brought in: the directory's `owned` filter).
 */
export function broughtInBy(_dialect: Dialect, viewerId: string, userColumn: string): RawBuilder<boolean> {
  const user = sql.ref(userColumn);
  // One IN over both (not an OR of two): the engines start from these few ids and look each entry up.
  return sql<boolean>`${user} in (select referred_id from referrals where referrer_id = ${viewerId}
    union select used_by from invite_codes where owner_id = ${viewerId} and used_by is not null)`;
}
