// What other modules may do to an account's credentials, in their own
// transaction: give a new account its password, or remove every way in (a
// contested sign-up, where neither party's password may survive).
import type { Executor } from '../../platform/db/executor.ts';
import { newId } from '../../platform/ids.ts';
import { deleteCredentials, upsertCredential } from './credentials.repository.ts';

/** Stores an argon2id hash (never a password) as the account's password. */
export async function setPassword(trx: Executor, userId: string, hash: string, now: string): Promise<void> {
  await upsertCredential(trx, { id: newId(), userId, type: 'password', secret: hash, now });
}

/** Removes every credential of the account: it can then be entered only by a reset or a code. */
export async function removeCredentials(trx: Executor, userId: string): Promise<void> {
  await deleteCredentials(trx, userId);
}
