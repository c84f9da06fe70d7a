// Writes to the user record, each followed by its lifecycle hook in the same
// transaction: whoever creates, changes or erases an account (sign-up by
// password or phone, the CLI, later OAuth and the compat surfaces) gets the
// profile, the search document, the social graph and every other module's
// rows kept in step without naming those modules.

import type { Dialect } from '../../platform/db/database.ts';
import type { Executor } from '../../platform/db/executor.ts';
import type { Hooks } from '../../platform/hooks.ts';
import { userError } from './users.errors.ts';
import {
  changeScore,
  deleteUsers,
  eraseUser,
  insertUser,
  lockUserStatus,
  markEmailVerified,
  type NewUser,
  restorePhone,
  type StandingChange,
  setUnverifiedPhone,
  setVerifiedPhone,
  type User,
  updateNames,
  updateStanding,
  updateUserStatus,
} from './users.repository.ts';
import type { UserStatus } from './users.table.ts';

export function createUsersService(deps: {
  hooks: Hooks;
  dialect: Dialect;
  /** The type new accounts get (ROSTER_DEFAULT_ACCOUNT_TYPE); null for none. */
  defaultAccountType?: string | null;
}) {
  const { hooks, dialect } = deps;
  const changed = (trx: Executor, userId: string, now: string) =>
    hooks.run(trx, 'accountChanged', { userId, at: new Date(now) });

  return {
    /** Inserts the row; `accountCreated` handlers (profile, search document) run next. */
    async insert(trx: Executor, user: NewUser): Promise<void> {
      await insertUser(trx, { ...user, accountType: user.accountType ?? deps.defaultAccountType ?? null });
      await hooks.run(trx, 'accountCreated', { userId: user.id, at: new Date(user.now) });
    },

    async markEmailVerified(trx: Executor, userId: string, now: string): Promise<void> {
      await markEmailVerified(trx, userId, now);
      await changed(trx, userId, now);
    },

    async setVerifiedPhone(trx: Executor, userId: string, phone: string, now: string): Promise<void> {
      await setVerifiedPhone(trx, userId, phone, now);
      await changed(trx, userId, now);
    },

    /**
     * The account's number as the user typed it into their profile: stored
     * unverified, so it signs in (and is unique) only once a code proves it
     * (the phone module's link). The same number again changes nothing, a
     * verified one included; a verified number is never replaced or removed
     * this way (409 `phone_verified`), since that would take a sign-in
     * method away without proof.
     */
    async setUnverifiedPhone(
      trx: Executor,
      user: Pick<User, 'id' | 'phone' | 'phoneVerifiedAt'>,
      phone: string | null,
      now: string,
    ): Promise<void> {
      if (phone === user.phone) return;
      if (user.phoneVerifiedAt !== null || !(await setUnverifiedPhone(trx, user.id, phone, now)))
        throw userError('phone_verified');
      await changed(trx, user.id, now);
    },

    async restorePhone(
      trx: Executor,
      userId: string,
      phone: { number: string; verifiedAt: string | null } | null,
      now: string,
    ): Promise<void> {
      await restorePhone(trx, userId, phone, now);
      await changed(trx, userId, now);
    },

    /**
     * In the caller's transaction, before a write made for the account (a
     * follow, a block, a bookmark, an invite code): refuses an account that is
     * not active (user_not_found) and holds its row until the write commits.
     */
    async lockActive(trx: Executor, userId: string): Promise<void> {
      if ((await lockUserStatus(trx, dialect, userId)) !== 'active') throw userError('user_not_found');
    },

    /**
     * Writes the names (and the record's time) as a profile edit leaves them;
     * accountChanged follows only a real rename, so an edit of the bio alone
     * does not redo what the profile edit's own profileChanged does.
     */
    async updateNames(
      trx: Executor,
      user: Pick<User, 'id' | 'firstName' | 'lastName' | 'username'>,
      names: { firstName: string | null; lastName: string | null; username: string | null },
      now: string,
    ): Promise<void> {
      await updateNames(trx, user.id, names, now);
      const renamed =
        names.firstName !== user.firstName ||
        names.lastName !== user.lastName ||
        names.username !== user.username;
      if (renamed) await changed(trx, user.id, now);
    },

    /**
     * Role, account type, verification: the views and the directory follow
     * (accountChanged). False, changing nothing, for a role change of a staff account.
     */
    async updateStanding(
      trx: Executor,
      userId: string,
      change: StandingChange,
      now: string,
    ): Promise<boolean> {
      if (!(await updateStanding(trx, userId, change, now))) return false;
      await changed(trx, userId, now);
      return true;
    },

    /** Sets or adds to the score within the range; null when the result would leave it. */
    async changeScore(
      trx: Executor,
      userId: string,
      change: { set: number } | { add: number },
      range: { min: number; max: number },
      now: string,
    ): Promise<number | null> {
      const score = await changeScore(trx, userId, change, range, now);
      if (score !== null) await changed(trx, userId, now);
      return score;
    },

    async updateStatus(trx: Executor, userId: string, status: UserStatus, now: string): Promise<void> {
      await updateUserStatus(trx, userId, status, now);
      await changed(trx, userId, now);
    },

    /**
     * Erases an account: every module deletes its rows of the user
     * (`accountErased`), then the row keeps only a tombstone (id, status,
     * times) for the audit trail and foreign keys.
     */
    async erase(trx: Executor, userId: string, now: string): Promise<void> {
      // The status first: it takes the row, so writes for the account that
      // lock it (lockActive) wait for the erasure and then find it gone.
      await updateUserStatus(trx, userId, 'deleted', now);
      await hooks.run(trx, 'accountErased', { userId, at: new Date(now) });
      await eraseUser(trx, userId, now);
    },

    /** As erase, without a tombstone: for sign-ups nobody ever proved were theirs. */
    async remove(trx: Executor, userIds: readonly string[], now: string): Promise<void> {
      for (const userId of userIds) await hooks.run(trx, 'accountErased', { userId, at: new Date(now) });
      await deleteUsers(trx, userIds);
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
