// The directory's read model follows what it indexes: at sign-up, and after
// every change to the user record or the profile, an account's entry is
// written again from both (read through their modules' entries) in the
// transaction of the change, so a search never sees a half-made change; on
// erasure the entry goes. Registered after the profiles module's handlers,
// which rescore the profile this reads.
import type { Executor } from '../../platform/db/executor.ts';
import type { Hooks } from '../../platform/hooks.ts';
import type { ProfilesService } from '../profiles/index.ts';
import { findUserById, isListed } from '../users/index.ts';
import { deleteSearchEntry, writeSearchEntry } from './directory.repository.ts';
import { searchDocument } from './search-document.ts';

type Profiles = Pick<ProfilesService, 'searchFacts'>;

/** accountCreated, accountChanged, profileChanged: the entry as the account and profile now stand. */
export async function refreshSearchEntry(trx: Executor, profiles: Profiles, userId: string): Promise<void> {
  const user = await findUserById(trx, userId);
  if (!user || user.status === 'deleted') return deleteSearchEntry(trx, userId);
  const facts = await profiles.searchFacts(trx, userId);
  await writeSearchEntry(trx, userId, {
    doc: searchDocument({ ...user, displayName: facts.displayName, headline: facts.headline }),
    listed: isListed(user),
    role: user.role,
    accountType: user.accountType,
    publicCompleteness: facts.publicCompleteness,
    tags: facts.tags,
  });
}

/** accountErased: the entry and its tags. */
export const forgetSearchEntry = (trx: Executor, userId: string) => deleteSearchEntry(trx, userId);

export function registerDirectoryHooks(hooks: Hooks, profiles: Profiles): void {
  for (const event of ['accountCreated', 'accountChanged', 'profileChanged'] as const)
    hooks.on(event, (trx, e) => refreshSearchEntry(trx, profiles, e.userId));
  hooks.on('accountErased', (trx, e) => forgetSearchEntry(trx, e.userId));
}
