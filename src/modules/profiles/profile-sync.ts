// What is derived from an account and its profile and stored for queries: the
// completeness score (a directory filter) and the search document. Every write
// that changes one of their inputs (sign-up, email verification, a profile
// update) writes them inside its own transaction, so they never lag.
import type { Executor } from '../../platform/db/executor.ts';
import { findUserById, type User } from '../users/index.ts';
import { deleteSearchDocument, writeSearchDocument } from '../directory/index.ts';
import { searchDocument } from '../directory/index.ts';
import { scores } from './completeness.ts';
import {
  deleteProfile,
  emptyProfile,
  findProfile,
  type Profile,
  upsertProfile,
} from './profiles.repository.ts';

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

/** Writes the profile as the account now stands, with its score and search document. */
export async function writeProfile(db: Executor, user: User, profile: Profile, now: string): Promise<void> {
  await upsertProfile(db, user.id, scored(user, profile), now);
  await writeSearchDocument(db, user.id, searchDocument({ ...user, ...profile }));
}

/** After a change to the account alone (sign-up, verification): the stored profile, rescored. */
export async function syncProfile(db: Executor, userId: string, now: string): Promise<void> {
  const user = await findUserById(db, userId);
  if (!user || user.status === 'deleted') return;
  await writeProfile(db, user, (await findProfile(db, userId)) ?? emptyProfile(), now);
}

/** Erasure: the profile and its search document go; the account row stays as a tombstone. */
export async function forgetProfile(db: Executor, userId: string): Promise<void> {
  await deleteProfile(db, userId);
  await deleteSearchDocument(db, userId);
}
