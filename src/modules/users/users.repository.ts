import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import type { Dialect } from '../../platform/db/database.ts';
import type { Executor } from '../../platform/db/executor.ts';
import {
  STAFF_ROLES,
  type UserRole,
  type UserStatus,
  type UsersTable,
  type Verification,
} from './users.table.ts';

export interface User {
  id: string;
  email: string | null;
  emailVerifiedAt: string | null;
  username: string | null;
  phone: string | null;
  phoneVerifiedAt: string | null;
  firstName: string | null;
  lastName: string | null;
  role: UserRole;
  status: UserStatus;
  score: number;
  accountType: string | null;
  verification: Verification | null;
  /** One of ROSTER_SUBSCRIPTION_TIERS, or null: no subscription. */
  subscriptionTier: string | null;
  /** When the subscription ends; null with a tier: it runs until staff end it. */
  subscriptionExpiresAt: string | null;
  /** Staff restricted the account; the apps decide what that limits. */
  restricted: boolean;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

type Row = Selectable<UsersTable>;

export const toUser = (r: Row): User => ({
  id: r.id,
  email: r.email,
  emailVerifiedAt: r.email_verified_at,
  username: r.username,
  phone: r.phone,
  phoneVerifiedAt: r.phone_verified_at,
  firstName: r.first_name,
  lastName: r.last_name,
  role: r.role,
  status: r.status,
  score: Number(r.score),
  accountType: r.account_type,
  verification: r.verification,
  subscriptionTier: r.subscription_tier,
  subscriptionExpiresAt: r.subscription_expires_at,
  restricted: Boolean(Number(r.restricted)),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  deletedAt: r.deleted_at,
});

/**
 * Whether others may see and reach an account (public view, directory,
 * follows, lists): active, with a verified address or number. An unproven
 * sign-up is nobody's yet and could impersonate anyone.
 */
export const isListed = (user: User | null | undefined): user is User =>
  user?.status === 'active' && (user.emailVerifiedAt !== null || user.phoneVerifiedAt !== null);

/**
 * Whether the account's subscription runs at `at`: a tier is set and its end,
 * if any, is still ahead. Decided when asked, so nothing runs at expiry.
 */
export const isSubscribed = (user: User, at: Date): boolean =>
  user.subscriptionTier !== null &&
  (user.subscriptionExpiresAt === null || Date.parse(user.subscriptionExpiresAt) > at.getTime());

/** isListed as a condition on the users table under the alias `u`. */
export const listedUser = (eb: ExpressionBuilder<{ u: UsersTable }, 'u'>) =>
  eb.and([
    eb('u.status', '=', 'active'),
    eb.or([eb('u.email_verified_at', 'is not', null), eb('u.phone_verified_at', 'is not', null)]),
  ]);

export interface NewUser {
  id: string;
  email: string | null;
  emailVerifiedAt: string | null;
  username: string | null;
  phone: string | null;
  phoneVerifiedAt?: string | null;
  firstName: string | null;
  lastName: string | null;
  role: UserRole;
  accountType?: string | null;
  now: string;
}

export async function insertUser(db: Executor, u: NewUser): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: u.id,
      email: u.email,
      email_verified_at: u.emailVerifiedAt,
      username: u.username,
      phone: u.phone,
      phone_verified_at: u.phoneVerifiedAt ?? null,
      first_name: u.firstName,
      last_name: u.lastName,
      role: u.role,
      account_type: u.accountType ?? null,
      status: 'active',
      created_at: u.now,
      updated_at: u.now,
      deleted_at: null,
    })
    .execute();
}

export async function findUserById(db: Executor, id: string): Promise<User | null> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toUser(row) : null;
}

/** The role a staff permission check reads (policy.authorize): an account that is not active is a `user`. */
export const roleOfActive =
  (db: Executor) =>
  async (userId: string): Promise<UserRole> => {
    const user = await findUserById(db, userId);
    return user?.status === 'active' ? user.role : 'user';
  };

/** Several users by id (a page of results); missing ids are simply absent. */
export async function findUsersByIds(db: Executor, ids: readonly string[]): Promise<Map<string, User>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, toUser(r)]));
}

export async function findUserByEmail(db: Executor, email: string): Promise<User | null> {
  const row = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function findUserByUsername(db: Executor, username: string): Promise<User | null> {
  const row = await db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  return row ? toUser(row) : null;
}

/** The account that signs in with this number (a number is verified on one account at most). */
export async function findUserByVerifiedPhone(db: Executor, phone: string): Promise<User | null> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('phone', '=', phone)
    .where('phone_verified_at', 'is not', null)
    .executeTakeFirst();
  return row ? toUser(row) : null;
}

export async function setVerifiedPhone(db: Executor, id: string, phone: string, now: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ phone, phone_verified_at: now, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/**
 * Sets or removes the account's number as unverified, unless the number it
 * has is verified (checked in the statement, so a link that commits first
 * wins); false when it was.
 */
export async function setUnverifiedPhone(
  db: Executor,
  id: string,
  phone: string | null,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ phone, phone_verified_at: null, updated_at: now })
    .where('id', '=', id)
    .where('phone_verified_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Puts a number back as it was (verified at `verifiedAt`), or removes it (null). */
export async function restorePhone(
  db: Executor,
  id: string,
  phone: { number: string; verifiedAt: string | null } | null,
  now: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ phone: phone?.number ?? null, phone_verified_at: phone?.verifiedAt ?? null, updated_at: now })
    .where('id', '=', id)
    .execute();
}

export async function markEmailVerified(db: Executor, id: string, now: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ email_verified_at: now, updated_at: now })
    .where('id', '=', id)
    .where('email_verified_at', 'is', null)
    .execute();
}

export async function updateUserStatus(
  db: Executor,
  id: string,
  status: UserStatus,
  now: string,
): Promise<void> {
  await db.updateTable('users').set({ status, updated_at: now }).where('id', '=', id).execute();
}

/** What staff or a service key may set of an account's standing; an absent field stays. */
export interface StandingChange {
  readonly role?: UserRole;
  readonly accountType?: string | null;
  readonly verification?: Verification | null;
  readonly restricted?: boolean;
  /** Both together: a subscription is replaced whole. */
  readonly subscription?: { readonly tier: string | null; readonly expiresAt: string | null };
}

/**
 * Writes the change; false (nothing written) when it sets a role and the
 * account holds a staff role, checked in the same statement, so a promotion
 * racing it cannot be undone by it.
 */
export async function updateStanding(
  db: Executor,
  id: string,
  change: StandingChange,
  now: string,
): Promise<boolean> {
  let qb = db
    .updateTable('users')
    .set({
      ...(change.role !== undefined ? { role: change.role } : {}),
      ...(change.accountType !== undefined ? { account_type: change.accountType } : {}),
      ...(change.verification !== undefined ? { verification: change.verification } : {}),
      ...(change.restricted !== undefined ? { restricted: change.restricted ? 1 : 0 } : {}),
      ...(change.subscription !== undefined
        ? {
            subscription_tier: change.subscription.tier,
            subscription_expires_at: change.subscription.expiresAt,
          }
        : {}),
      updated_at: now,
    })
    .where('id', '=', id);
  if (change.role !== undefined) qb = qb.where('role', 'not in', STAFF_ROLES);
  const result = await qb.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Sets the score, or adds to it, in one statement (concurrent additions all
 * count), unless the result would leave [min, max]. Returns the new score,
 * or null when the account is missing or the result out of range.
 */
export async function changeScore(
  db: Executor,
  id: string,
  change: { set: number } | { add: number },
  range: { min: number; max: number },
  now: string,
): Promise<number | null> {
  // Typed parameters: PostgreSQL would compare two untyped ones as text ('-5' >= '-10').
  const int = (n: number) => sql<number>`cast(${n} as integer)`;
  const next = 'set' in change ? int(change.set) : sql<number>`score + ${int(change.add)}`;
  const row = await db
    .updateTable('users')
    .set({ score: next, updated_at: now })
    .where('id', '=', id)
    .where(sql<boolean>`${next} between ${int(range.min)} and ${int(range.max)}`)
    .returning('score')
    .executeTakeFirst();
  return row ? Number(row.score) : null;
}

/** Erases personal data, keeping a tombstone row for the audit trail and foreign keys. */
export async function eraseUser(db: Executor, id: string, now: string): Promise<void> {
  await db
    .updateTable('users')
    .set({
      email: null,
      email_verified_at: null,
      username: null,
      phone: null,
      phone_verified_at: null,
      first_name: null,
      last_name: null,
      score: 0,
      account_type: null,
      verification: null,
      status: 'deleted',
      updated_at: now,
      deleted_at: now,
    })
    .where('id', '=', id)
    .execute();
}

/** Never proven: no verified address, no verified number (the purge's rule; users_unverified_idx). */
const unverifiedBefore = (cutoff: string) => (eb: ExpressionBuilder<{ users: UsersTable }, 'users'>) =>
  eb.and([
    eb('status', '=', 'active'),
    eb('email_verified_at', 'is', null),
    eb('phone_verified_at', 'is', null),
    eb('created_at', '<', cutoff),
  ]);

/** Ids of unverified sign-ups made before `cutoff`, in id order after `afterId`. */
export async function listUnverifiedBefore(
  db: Executor,
  cutoff: string,
  afterId: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('users')
    .select('id')
    .where(unverifiedBefore(cutoff))
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Those of `ids` still unverified and made before `cutoff`, locked (PostgreSQL) until the transaction ends. */
export async function lockUnverifiedBefore(
  db: Executor,
  dialect: Dialect,
  ids: readonly string[],
  cutoff: string,
): Promise<string[]> {
  if (ids.length === 0) return [];
  let query = db
    .selectFrom('users')
    .select('id')
    .where('id', 'in', ids)
    .where(unverifiedBefore(cutoff))
    .orderBy('id');
  if (dialect === 'postgres') query = query.forUpdate();
  return (await query.execute()).map((r) => r.id);
}

/** Removes account rows outright; what references them goes by its foreign keys. */
export async function deleteUsers(db: Executor, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('users').where('id', 'in', ids).execute();
}

/** Newest first, keyset-paginated by id (UUIDv7 ids sort by creation time). */
export async function listUsers(
  db: Executor,
  options: { limit: number; beforeId?: string; includeDeleted?: boolean },
): Promise<User[]> {
  let query = db.selectFrom('users').selectAll().orderBy('id', 'desc').limit(options.limit);
  if (options.beforeId) query = query.where('id', '<', options.beforeId);
  if (!options.includeDeleted) query = query.where('status', '!=', 'deleted');
  return (await query.execute()).map(toUser);
}

/** The names on the record (the profile edit writes them; its profileChanged hook follows). */
export async function updateNames(
  db: Executor,
  userId: string,
  names: { firstName: string | null; lastName: string | null; username: string | null },
  now: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      first_name: names.firstName,
      last_name: names.lastName,
      username: names.username,
      updated_at: now,
    })
    .where('id', '=', userId)
    .execute();
}

/**
 * The account's status, its row held (PostgreSQL: FOR SHARE) until the
 * caller's transaction ends: a write made for an account waits for an
 * erasure already under way, and an erasure waits for such a write, so no
 * row of an erased account is written after its rows were deleted.
 */
export async function lockUserStatus(db: Executor, dialect: Dialect, id: string): Promise<UserStatus | null> {
  let query = db.selectFrom('users').select('status').where('id', '=', id);
  if (dialect === 'postgres') query = query.forShare();
  return (await query.executeTakeFirst())?.status ?? null;
}
