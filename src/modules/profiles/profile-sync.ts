// What is derived from an account and its profile and stored for queries: the
// completeness score (a directory filter) and the search document. Every write
// that changes one of their inputs (sign-up, email verification, a profile
// update) calls syncProfile inside its own transaction, so they never lag.
import type { Executor } from '../../platform/db/executor.ts';
import { findUserById } from '../accounts/accounts.repository.ts';
import { deleteSearchDocument, writeSearchDocument } from '../directory/directory.repository.ts';
import { searchDocument } from '../directory/search-document.ts';
import { completeness } from './completeness.ts';
import { deleteProfile, emptyProfile, findProfile, upsertProfile } from './profiles.repository.ts';

export async function syncProfile(db: Executor, userId: string, now: string): Promise<void> {
  const user = await findUserById(db, userId);
  if (!user || user.status === 'deleted') return;
  const profile = (await findProfile(db, userId)) ?? emptyProfile();
  profile.completeness = completeness({ ...profile, ...user, emailVerified: user.emailVerifiedAt !== null });
  await upsertProfile(db, userId, profile, now);
  await writeSearchDocument(db, userId, searchDocument({ ...user, ...profile }));
}

/** Erasure: the profile and its search document go; the account row stays as a tombstone. */
export async function forgetProfile(db: Executor, userId: string): Promise<void> {
  await deleteProfile(db, userId);
  await deleteSearchDocument(db, userId);
}
