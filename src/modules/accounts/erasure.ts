// What goes when an account goes, whoever ends it (the user, an operator, the
// purge of unverified sign-ups): credentials, codes, second factors, the
// social graph, tags (their usage counts with them), the profile and its
// search document, and unused invite codes. In the caller's transaction.
import type { Dialect } from '../../platform/db/database.ts';
import type { Executor } from '../../platform/db/executor.ts';
import { deleteCredentials } from '../credentials/index.ts';
import { forgetInvites } from '../invites/index.ts';
import type { OtpService } from '../otp/index.ts';
import { forgetProfile } from '../profiles/index.ts';
import { replaceUserTags } from '../profiles/index.ts';
import { forgetSocial } from '../social/index.ts';

export interface ErasureDeps {
  readonly dialect: Dialect;
  readonly otp: Pick<OtpService, 'forgetUser'>;
  /** Second factors and recovery codes (mfa module). */
  readonly forgetSecondFactors: (trx: Executor, userId: string) => Promise<void>;
}

export async function forgetAccountData(trx: Executor, deps: ErasureDeps, userId: string): Promise<void> {
  await deleteCredentials(trx, userId);
  await deps.otp.forgetUser(trx, userId);
  await deps.forgetSecondFactors(trx, userId);
  // The social graph first: it locks the profile rows of everyone involved.
  await forgetSocial(trx, deps.dialect, userId);
  await replaceUserTags(trx, deps.dialect, userId, []);
  await forgetProfile(trx, userId);
  await forgetInvites(trx, userId);
}
