// What the profiles module does when an account comes, changes or goes, in
// the transaction of that change: every account has a profile row (the social
// graph locks it, the directory reads its scores), and both completeness
// scores follow the account (a verified address or number counts).
import type { Dialect } from '../../platform/db/database.ts';
import type { Executor } from '../../platform/db/executor.ts';
import type { Hooks } from '../../platform/hooks.ts';
import { findUserById, type User } from '../users/index.ts';
import { scores } from './completeness.ts';
import {
  deleteProfile,
  emptyProfile,
  findProfile,
  type Profile,
  upsertProfile,
} from './profiles.repository.ts';
import { replaceUserTags } from './tags.repository.ts';

/** The profile with both completeness scores computed from it and the account. */
export const scored = (user: User, profile: Profile): Profile => ({
  ...profile,
  ...scores({
    ...profile,
    ...user,
    emailVerified: user.emailVerifiedAt !== null,
    verified: user.emailVerifiedAt !== null || user.phoneVerifiedAt !== null,
  }),
});

/** accountCreated, accountChanged: the stored profile (an empty one at sign-up), rescored. */
export async function rescoreProfile(db: Executor, userId: string, now: string): Promise<void> {
  const user = await findUserById(db, userId);
  if (!user || user.status === 'deleted') return;
  const profile = (await findProfile(db, userId)) ?? emptyProfile();
  await upsertProfile(db, user.id, scored(user, profile), now);
}

/** accountErased: the tags (their usage counts with them), then the profile. */
export async function forgetProfile(db: Executor, dialect: Dialect, userId: string): Promise<void> {
  await replaceUserTags(db, dialect, userId, []);
  await deleteProfile(db, userId);
}

/** Work that must be done with a user before their profile row goes (see ProfilesService.beforeErasure). */
export type ErasureStep = (trx: Executor, userId: string) => Promise<void>;

export function registerProfileHooks(
  hooks: Hooks,
  dialect: Dialect,
  beforeErasure: readonly ErasureStep[],
): void {
  hooks.on('accountCreated', (trx, e) => rescoreProfile(trx, e.userId, e.at.toISOString()));
  hooks.on('accountChanged', (trx, e) => rescoreProfile(trx, e.userId, e.at.toISOString()));
  hooks.on('accountErased', async (trx, e) => {
    for (const step of beforeErasure) await step(trx, e.userId);
    await forgetProfile(trx, dialect, e.userId);
  });
}
