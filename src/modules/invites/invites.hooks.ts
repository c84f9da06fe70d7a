// What the invites module does when an account changes or goes: a referral
// counts once the referred account has verified an address or number (the
// flag on the referral follows the user record), and erasure takes the
// user's unused codes, referral code and the count of their referral.
import type { Executor } from '../../platform/db/executor.ts';
import type { Hooks } from '../../platform/hooks.ts';
import { findUserById, type User } from '../users/index.ts';
import { forgetInvites, setReferralVerified } from './invites.repository.ts';

/** What makes an admitted or referred account count: a verified address or number. */
export const hasVerified = (user: User | null | undefined): boolean =>
  user != null && (user.emailVerifiedAt !== null || user.phoneVerifiedAt !== null);

/** accountChanged: the user's referral (if any) counts as their record now says. */
export async function refreshReferral(trx: Executor, userId: string): Promise<void> {
  await setReferralVerified(trx, userId, hasVerified(await findUserById(trx, userId)));
}

export function registerInvitesHooks(hooks: Hooks): void {
  hooks.on('accountChanged', (trx, e) => refreshReferral(trx, e.userId));
  hooks.on('accountErased', (trx, e) => forgetInvites(trx, e.userId));
}
