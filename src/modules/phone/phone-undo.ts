// How the undo link of a security-change mail (and a password reset) reverses
// a phone number linked to an account: the number no longer signs in to it,
// and a number it replaced comes back when nobody has verified it since.
import type { Executor } from '../../platform/db/executor.ts';
import { findUserById, findUserByVerifiedPhone } from '../accounts/accounts.repository.ts';
import { syncProfile } from '../profiles/profile-sync.ts';
import type { SecurityChanges } from '../security-changes/security-changes.service.ts';

export interface LinkedPhoneData {
  readonly phone: string;
  readonly previousPhone: string | null;
  readonly previousVerifiedAt: string | null;
}

async function setPhone(
  db: Executor,
  userId: string,
  phone: string | null,
  verifiedAt: string | null,
  now: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ phone, phone_verified_at: verifiedAt, updated_at: now })
    .where('id', '=', userId)
    .execute();
  // A verified number lists the account and counts towards completeness.
  await syncProfile(db, userId, now);
}

const masked = (phone: string) => `${phone.slice(0, 3)}…${phone.slice(-2)}`;

export function registerPhoneUndo(security: SecurityChanges, now: () => string): void {
  security.register('phone.linked', {
    addsAccess: true,
    async undo(trx, userId, data) {
      const { phone, previousPhone, previousVerifiedAt } = data as unknown as LinkedPhoneData;
      const user = await findUserById(trx, userId);
      if (user?.phone !== phone) return `The number ${masked(phone)} was no longer linked`;
      const holder = previousPhone ? await findUserByVerifiedPhone(trx, previousPhone) : null;
      if (previousPhone && !holder) {
        await setPhone(trx, userId, previousPhone, previousVerifiedAt, now());
        return `The number ${masked(phone)} was removed and ${masked(previousPhone)} signs in again`;
      }
      await setPhone(trx, userId, null, null, now());
      return `The number ${masked(phone)} was removed`;
    },
  });
}
