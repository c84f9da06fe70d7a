// Sensitive changes to how an account signs in: second factors turned on or
// off, recovery codes replaced, a phone number linked or replaced. Each one is
// audited and mailed to the verified address with a link that undoes it and
// ends every session, so a stolen access token cannot become a permanent
// takeover unnoticed. A password reset by email (the mailbox owner is the
// owner) reverses what was added since the last full sign-in.
//
// The modules that own the changed data register how to undo each kind;
// this module only keeps the record and the link.
import type { Clock } from '../../platform/clock.ts';
import { randomToken, sha256 } from '../../platform/crypto/tokens.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { newId } from '../../platform/ids.ts';
import { changesUndone, mfaChanged } from '../../platform/mailer/templates/index.ts';
import type { MailQueue } from '../../platform/outbox/mail-queue.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { findUserById, type User } from '../accounts/accounts.repository.ts';
import { type AuditEventType, recordAudit } from '../audit/audit.service.ts';
import { otpError } from '../otp/otp.errors.ts';
import {
  deleteSecurityChangesOfUser,
  findSecurityChangeByTokenHash,
  insertSecurityChange,
  listSecurityChangesSince,
  markSecurityChangeUndone,
} from './security-changes.repository.ts';

/** How long the undo link in the mail works. */
export const UNDO_LINK_DAYS = 30;

export type SecurityChangeKind =
  | 'factor.enabled'
  | 'factor.disabled'
  | 'recovery_codes.replaced'
  | 'phone.linked';

export interface UndoHandler {
  /** Reverses the change; returns what the owner is told was reversed. */
  undo(trx: Executor, userId: string, data: Record<string, unknown>): Promise<string>;
  /** Added a way in (a factor, a number, codes): a password reset reverses it. */
  readonly addsAccess: boolean;
}

export interface RecordedChange {
  readonly user: User;
  readonly kind: SecurityChangeKind;
  /** What undoing needs: ids, the previous number, encrypted or hashed material only. */
  readonly data: Record<string, unknown>;
  /** For the owner: "An authenticator app was turned on". */
  readonly description: string;
  readonly audit: AuditEventType;
  readonly auditDetail: Record<string, unknown>;
  readonly sessionId: string | null;
  readonly context: RequestContext;
}

export interface SecurityChangesDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly mail: MailQueue;
  readonly publicUrl: string;
  readonly revokeAllSessionsIn: (trx: Executor, userId: string, reason: string) => Promise<string[]>;
  readonly announceRevoked: (sessionIds: string[]) => Promise<void>;
}

export function createSecurityChanges(deps: SecurityChangesDeps) {
  const { db, clock, mail } = deps;
  const handlers = new Map<SecurityChangeKind, UndoHandler>();
  const mailTo = (user: User) => (user.email && user.emailVerifiedAt !== null ? user.email : null);

  function handler(kind: string): UndoHandler {
    const found = handlers.get(kind as SecurityChangeKind);
    if (!found) throw new Error(`no undo handler for security change ${kind}`);
    return found;
  }

  return {
    /** Called by the module that owns a kind of change, once, at composition. */
    register(kind: SecurityChangeKind, undo: UndoHandler): void {
      handlers.set(kind, undo);
    },

    /** Inside the change's transaction: audit, remember how to undo it, mail the link. */
    async record(trx: Executor, change: RecordedChange): Promise<void> {
      handler(change.kind);
      const now = clock.now();
      const token = randomToken();
      await insertSecurityChange(trx, {
        id: newId(),
        user_id: change.user.id,
        kind: change.kind,
        undo_data: JSON.stringify(change.data),
        token_hash: sha256(token),
        session_id: change.sessionId,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + UNDO_LINK_DAYS * 86_400_000).toISOString(),
      });
      await recordAudit(
        trx,
        { type: change.audit, userId: change.user.id, context: change.context, detail: change.auditDetail },
        now,
      );
      const to = mailTo(change.user);
      if (to) {
        const undoLink = `${deps.publicUrl}/undo-change?token=${encodeURIComponent(token)}`;
        await mail.queue(trx, to, mfaChanged({ change: change.description, undoLink }));
      }
    },

    /** The mailed link: reverses the change and ends every session of the account. */
    async undo(token: string, context: RequestContext): Promise<{ reversed: string }> {
      const row = await findSecurityChangeByTokenHash(db, sha256(token));
      const now = clock.now();
      if (!row || row.undone_at !== null || new Date(row.expires_at) <= now) throw otpError('invalid_link');
      const user = await findUserById(db, row.user_id);
      if (user?.status !== 'active') throw otpError('invalid_link');
      const { reversed, revoked } = await inTransaction(db, async (trx) => {
        if (!(await markSecurityChangeUndone(trx, row.id, now.toISOString()))) throw otpError('invalid_link');
        const reversed = await handler(row.kind).undo(trx, row.user_id, JSON.parse(row.undo_data));
        const revoked = await deps.revokeAllSessionsIn(trx, row.user_id, 'security_change_undone');
        await recordAudit(
          trx,
          { type: 'security.change_undone', userId: row.user_id, context, detail: { kind: row.kind } },
          now,
        );
        const to = mailTo(user);
        if (to)
          await mail.queue(trx, to, changesUndone({ removed: [reversed], reason: 'you used the undo link' }));
        return { reversed, revoked };
      });
      await deps.announceRevoked(revoked);
      mail.flush();
      return { reversed };
    },

    /**
     * Inside a password reset's transaction: reverses every change that added
     * a way in after `since` (the last full sign-in), newest first. Returns
     * what was reversed, for the mail.
     */
    async reverseAdditionsSince(trx: Executor, userId: string, since: string): Promise<string[]> {
      const now = clock.now().toISOString();
      const rows = (await listSecurityChangesSince(trx, userId, since)).reverse();
      const reversed: string[] = [];
      for (const row of rows) {
        const undo = handler(row.kind);
        if (!undo.addsAccess) continue;
        await markSecurityChangeUndone(trx, row.id, now);
        reversed.push(await undo.undo(trx, userId, JSON.parse(row.undo_data)));
      }
      return reversed;
    },

    /** Erasure. */
    forgetUser: (trx: Executor, userId: string) => deleteSecurityChangesOfUser(trx, userId),
  };
}

export type SecurityChanges = ReturnType<typeof createSecurityChanges>;
