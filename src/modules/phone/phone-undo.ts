// How a phone number linked to an account is reversed: by the mailed undo
// link, the number no longer signs in to the account and a number it replaced
// comes back when nobody has verified it since; at a password reset the
// number is only removed (a reset never brings back a replaced number).
import type { Executor } from '../../platform/db/executor.ts';
import type { SecurityChanges } from '../security-changes/index.ts';
import { findUserById, findUserByVerifiedPhone, type UsersService } from '../users/index.ts';

export interface LinkedPhoneData {
  readonly phone: string;
  readonly previousPhone: string | null;
  readonly previousVerifiedAt: string | null;
}

export const maskedPhone = (phone: string) => `${phone.slice(0, 3)}…${phone.slice(-2)}`;

export function registerPhoneUndo(
  security: SecurityChanges,
  users: Pick<UsersService, 'restorePhone'>,
  now: () => string,
): void {
  /** Sets the number (or none); the accountChanged hook rescores the profile (a verified number lists it). */
  async function setPhone(trx: Executor, userId: string, phone: Parameters<UsersService['restorePhone']>[2]) {
    await users.restorePhone(trx, userId, phone, now());
  }

  async function stillLinked(trx: Executor, userId: string, phone: string): Promise<boolean> {
    return (await findUserById(trx, userId))?.phone === phone;
  }

  security.register('phone.linked', {
    async undo(trx, userId, data) {
      const { phone, previousPhone, previousVerifiedAt } = data as unknown as LinkedPhoneData;
      if (!(await stillLinked(trx, userId, phone))) return null;
      const holder = previousPhone ? await findUserByVerifiedPhone(trx, previousPhone) : null;
      if (previousPhone && !holder) {
        await setPhone(trx, userId, { number: previousPhone, verifiedAt: previousVerifiedAt });
        return `The number ${maskedPhone(phone)} was removed and ${maskedPhone(previousPhone)} signs in again`;
      }
      await setPhone(trx, userId, null);
      return `The number ${maskedPhone(phone)} was removed`;
    },
    async removeAdded(trx, userId, data) {
      const { phone } = data as unknown as LinkedPhoneData;
      if (!(await stillLinked(trx, userId, phone))) return null;
      await setPhone(trx, userId, null);
      return `The number ${maskedPhone(phone)} was removed`;
    },
  });
}
