// Changes to a signed-in user's second factors: turning one on or off, new
// recovery codes, and the factor code that re-authenticates an account
// without a password. Each change needs fresh proof of who asks
// (credentials' reauthenticate) and a current code of the factor, counted
// under the account's second-factor lockout before it is checked; each is
// audited and mailed with the link that undoes it (mfa-undo.ts).
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import { enforce } from '../../platform/rate-limit/rate-limit.errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { Reauthentication, Reauthenticator } from '../credentials/index.ts';
import type { OtpService } from '../otp/index.ts';
import type { SecurityChanges } from '../security-changes/index.ts';
import type { Principal } from '../sessions/index.ts';
import type { User } from '../users/index.ts';
import type { EnrolledFactor, FactorKind } from './factor.ts';
import type { RecoveryCodes } from './factors/recovery-code.ts';
import { mfaError } from './mfa.errors.ts';
import {
  deleteFactor,
  enableFactor,
  type FactorRow,
  findFactor,
  listFactors,
  listRecoveryCodeRows,
  replaceRecoveryCodes,
} from './mfa.repository.ts';
import { removedFactorData } from './mfa-undo.ts';

/** A change to the factors: a current code of the factor, and fresh proof of who asks. */
export interface ChangeInput {
  readonly code: string;
  readonly reauth: Reauthentication;
}

/**
 * The factor that confirms a change when several are on: the authenticator
 * app before a mailed code (a code in a mailbox is the weaker proof).
 */
const CONFIRMING_ORDER: readonly FactorKind[] = ['totp', 'email'];

export interface FactorChangesDeps {
  readonly db: Executor;
  readonly now: () => string;
  readonly guard: RateGuard;
  readonly otp: OtpService;
  readonly factors: Readonly<Record<FactorKind, EnrolledFactor>>;
  readonly recovery: RecoveryCodes;
  readonly security: SecurityChanges;
  readonly reauth: () => Reauthenticator;
  readonly activeUser: (userId: string) => Promise<User>;
  /** The account's one lockout for every second-factor code. */
  readonly lockKey: (userId: string) => string;
}

export function createFactorChanges(deps: FactorChangesDeps) {
  const { db, now, guard, otp, factors, recovery } = deps;
  const enabled = (rows: FactorRow[]) => rows.filter((f) => f.enabled_at !== null);
  const confirming = (rows: FactorRow[]) =>
    CONFIRMING_ORDER.map((kind) => rows.find((r) => r.type === kind)).find((r) => r !== undefined);

  /** A current code of one of the user's factors; 422 (the session is fine, the code was mistyped). */
  async function checkCurrentCode(user: User, row: FactorRow, code: string): Promise<void> {
    // Counted as a failure before the code is checked, atomically: parallel
    // guesses cannot evaluate more codes than the lockout allows.
    enforce(await guard.failures.reserve(deps.lockKey(user.id)), 'mfa lockout');
    const factor = factors[row.type as FactorKind];
    if (!(await factor.verify(db, { user, code, use: 'change', row }))) throw otp.refuse();
    await guard.failures.reset(deps.lockKey(user.id));
  }

  /** Audits and mails a change, with the link that undoes it. */
  function record(
    trx: Executor,
    asked: { user: User; principal: Principal; context: RequestContext },
    change: { kind: 'factor.enabled' | 'factor.disabled' | 'recovery_codes.replaced'; type: string },
    description: string,
    data: Record<string, unknown>,
  ): Promise<void> {
    const { user } = asked;
    return deps.security.record(trx, {
      user,
      kind: change.kind,
      data,
      description,
      audit: 'mfa.changed',
      auditDetail: { change: change.type },
      sessionId: asked.principal.sessionId,
      context: asked.context,
      notifyPhone: user.phoneVerifiedAt === null ? null : user.phone,
    });
  }

  async function reauthenticate(
    user: User,
    principal: Principal,
    input: ChangeInput,
    context: RequestContext,
  ) {
    await deps.reauth().reauthenticate(user, { principal, context, given: input.reauth });
  }

  return {
    /** Turns a pending factor on with a first code; the first factor brings recovery codes. */
    async activate(
      principal: Principal,
      kind: FactorKind,
      input: ChangeInput,
      context: RequestContext,
    ): Promise<string[]> {
      const user = await deps.activeUser(principal.userId);
      const row = await findFactor(db, user.id, kind);
      if (!row) throw mfaError('mfa_not_pending');
      if (row.enabled_at !== null) throw mfaError('mfa_already_enabled');
      await reauthenticate(user, principal, input, context);
      await checkCurrentCode(user, row, input.code);
      return inTransaction(db, async (trx) => {
        // Only the secret the code was checked against: a set-up restarted meanwhile stays off.
        if (!(await enableFactor(trx, row.id, row.secret, now()))) throw mfaError('mfa_already_enabled');
        await record(
          trx,
          { user, principal, context },
          { kind: 'factor.enabled', type: `${kind}.enabled` },
          `${factors[kind].name} was turned on`,
          { factorId: row.id, type: kind },
        );
        return recovery.issue(trx, user.id, false);
      });
    },

    async disable(
      principal: Principal,
      kind: FactorKind,
      input: ChangeInput,
      context: RequestContext,
    ): Promise<void> {
      const user = await deps.activeUser(principal.userId);
      const row = await findFactor(db, user.id, kind);
      if (!row || row.enabled_at === null) throw mfaError('mfa_method_unavailable');
      await reauthenticate(user, principal, input, context);
      await checkCurrentCode(user, row, input.code);
      await inTransaction(db, async (trx) => {
        await deleteFactor(trx, row.id);
        // With no factor left, recovery codes would be a way in without a second factor's purpose.
        let removedCodes = null;
        if (enabled(await listFactors(trx, user.id)).length === 0) {
          removedCodes = await listRecoveryCodeRows(trx, user.id);
          await replaceRecoveryCodes(trx, user.id, [], now());
        }
        await record(
          trx,
          { user, principal, context },
          { kind: 'factor.disabled', type: `${kind}.disabled` },
          `${factors[kind].name} was turned off`,
          removedFactorData(row, removedCodes),
        );
      });
    },

    /**
     * Re-authentication of an account without a password: a current code of a
     * factor enabled before `before` (the session's sign-in), so a factor set
     * up with a stolen token cannot vouch for the thief.
     */
    async verifyFactorCode(user: User, code: string, before: string): Promise<void> {
      const rows = enabled(await listFactors(db, user.id)).filter((f) => f.enabled_at! < before);
      const row = confirming(rows);
      if (!row)
        throw mfaError('mfa_method_unavailable', {
          detail: 'The account has no second factor from before this sign-in to confirm with.',
        });
      await checkCurrentCode(user, row, code);
    },

    /** Replaces the recovery codes; needs a current code of an enabled factor. */
    async regenerateRecoveryCodes(
      principal: Principal,
      input: ChangeInput,
      context: RequestContext,
    ): Promise<string[]> {
      const user = await deps.activeUser(principal.userId);
      const row = confirming(enabled(await listFactors(db, user.id)));
      if (!row) throw mfaError('mfa_method_unavailable', { detail: 'Turn a second factor on first.' });
      await reauthenticate(user, principal, input, context);
      await checkCurrentCode(user, row, input.code);
      return inTransaction(db, async (trx) => {
        const previous = await listRecoveryCodeRows(trx, user.id);
        await record(
          trx,
          { user, principal, context },
          { kind: 'recovery_codes.replaced', type: 'recovery_codes.replaced' },
          'New recovery codes were made (the old ones no longer work)',
          { previous },
        );
        return recovery.issue(trx, user.id, true);
      });
    },
  };
}

export type FactorChanges = ReturnType<typeof createFactorChanges>;
