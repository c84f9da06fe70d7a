// The one way an account comes to exist, whatever the sign-up path: a
// password sign-up, a first SMS sign-in, the operator's `user create`, and
// later OAuth upstreams and the compat surfaces. The row goes in through the
// users module (whose accountCreated hook gives it a profile and a search
// document), then its password if it has one, its invite or referral, and
// one audit row.
import type { Executor } from '../../platform/db/executor.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { recordAudit } from '../audit/index.ts';
import { setPassword } from '../credentials/index.ts';
import type { Admission, InvitesService } from '../invites/index.ts';
import type { UserRole, UsersService } from '../users/index.ts';

export interface NewAccount {
  readonly id?: string;
  readonly email: string | null;
  readonly emailVerifiedAt: string | null;
  readonly username: string | null;
  readonly phone: string | null;
  readonly phoneVerifiedAt?: string | null;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly role: UserRole;
  /** An argon2id hash (never the password); null for a passwordless account. */
  readonly passwordHash: string | null;
  /** The invite or referral checked for this sign-up, spent now. */
  readonly admission?: Admission;
  /** What the audit row records beside the event (the method, the acting operator). */
  readonly auditDetail?: Record<string, unknown>;
}

export interface CreateAccountDeps {
  readonly users: Pick<UsersService, 'insert'>;
  readonly admission: Pick<InvitesService, 'admit'>;
}

/** Creates the account in the caller's transaction; returns its id. */
export async function createAccount(
  trx: Executor,
  deps: CreateAccountDeps,
  account: NewAccount,
  context: RequestContext,
  now: Date,
): Promise<string> {
  const id = account.id ?? newId();
  const at = now.toISOString();
  await deps.users.insert(trx, {
    id,
    email: account.email,
    emailVerifiedAt: account.emailVerifiedAt,
    username: account.username,
    phone: account.phone,
    phoneVerifiedAt: account.phoneVerifiedAt ?? null,
    firstName: account.firstName,
    lastName: account.lastName,
    role: account.role,
    now: at,
  });
  if (account.passwordHash !== null) await setPassword(trx, id, account.passwordHash, at);
  if (account.admission) await deps.admission.admit(trx, id, account.admission, at);
  await recordAudit(
    trx,
    {
      type: 'account.created',
      userId: id,
      context,
      ...(account.auditDetail ? { detail: account.auditDetail } : {}),
    },
    now,
  );
  return id;
}
