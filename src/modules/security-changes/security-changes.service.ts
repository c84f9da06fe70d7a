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
import type { Hooks } from '../../platform/hooks.ts';
import { newId } from '../../platform/ids.ts';
import { changesUndone, mfaChanged } from '../../platform/mailer/templates/index.ts';
import type { MailQueue } from '../../platform/outbox/mail-queue.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { SmsQueue } from '../../platform/sms/sms-queue.ts';
import { type AuditEventType, recordAudit } from '../audit/index.ts';
import { otpError } from '../otp/index.ts';
import { findUserById, type User } from '../users/index.ts';
import { UNDO_PER_IP } from './security-changes.limits.ts';
import {
  closeOpenSecurityChanges,
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
  /**
   * The mailed link: reverses the change (removes what it added, puts back
   * what it replaced). Returns what the owner is told, or null when there
   * was nothing left to reverse.
   */
  undo(
    trx: Executor,
    userId: string,
    data: Record<string, unknown>,
    recordedAt: string,
  ): Promise<string | null>;
  /**
   * A password reset, for changes that added a way in (a factor, a number,
   * codes): removes what was added and never puts back what it replaced: the
   * owner may have replaced it on purpose.
   */
  removeAdded?(
    trx: Executor,
    userId: string,
    data: Record<string, unknown>,
    recordedAt: string,
  ): Promise<string | null>;
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
  /**
   * Without a verified address, the notice and undo link go by SMS to this
   * number: one the account had before the change.
   */
  readonly notifyPhone?: string | null;
}

export interface SecurityChangesDeps {
  readonly hooks: Hooks;
  readonly db: Executor;
  readonly clock: Clock;
  readonly mail: MailQueue;
  readonly sms: SmsQueue;
  readonly guard: RateGuard;
  readonly publicUrl: string;
  readonly revokeAllSessionsIn: (trx: Executor, userId: string, reason: string) => Promise<string[]>;
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

  const service = {
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
      const undoLink = `${deps.publicUrl}/undo-change?token=${encodeURIComponent(token)}`;
      const to = mailTo(change.user);
      if (to) {
        await mail.queue(trx, to, mfaChanged({ change: change.description, undoLink }));
      } else if (change.notifyPhone) {
        await deps.sms.queue(
          trx,
          change.notifyPhone,
          `Roster: ${change.description}. Not you? Undo it and sign out everywhere: ${undoLink}`,
        );
      }
    },

    /** The mailed link: reverses the change and ends every session of the account. */
    async undo(token: string, context: RequestContext): Promise<{ reversed: string }> {
      await deps.guard.perIp('security-undo', context.ip, UNDO_PER_IP);
      const row = await findSecurityChangeByTokenHash(db, sha256(token));
      const now = clock.now();
      if (!row || row.undone_at !== null || new Date(row.expires_at) <= now) throw otpError('invalid_link');
      const user = await findUserById(db, row.user_id);
      if (user?.status !== 'active') throw otpError('invalid_link');
      const reversed = await inTransaction(db, async (trx) => {
        if (!(await markSecurityChangeUndone(trx, row.id, now.toISOString()))) throw otpError('invalid_link');
        const reversed =
          (await handler(row.kind).undo(trx, row.user_id, JSON.parse(row.undo_data), row.created_at)) ??
          'Nothing was left to reverse: the change had been reversed or replaced already';
        await deps.revokeAllSessionsIn(trx, row.user_id, 'security_change_undone');
        await recordAudit(
          trx,
          { type: 'security.change_undone', userId: row.user_id, context, detail: { kind: row.kind } },
          now,
        );
        const to = mailTo(user);
        if (to)
          await mail.queue(trx, to, changesUndone({ removed: [reversed], reason: 'you used the undo link' }));
        return reversed;
      });
      return { reversed };
    },

    /**
     * Inside a password reset's transaction: removes what changes made after
     * `since` (the last sign-in with the password) added, newest first, and
     * closes every open undo link of the account (the mailbox owner has
     * taken over; an old link must not bring anything back). Returns what
     * was removed, for the mail.
     */
    async removeAdditionsSince(trx: Executor, userId: string, since: string): Promise<string[]> {
      const rows = (await listSecurityChangesSince(trx, userId, since)).reverse();
      const removed: string[] = [];
      for (const row of rows) {
        const line = await handler(row.kind).removeAdded?.(
          trx,
          userId,
          JSON.parse(row.undo_data),
          row.created_at,
        );
        if (line) removed.push(line);
      }
      await closeOpenSecurityChanges(trx, userId, clock.now().toISOString());
      return removed;
    },

    /** Erasure. */
    forgetUser: (trx: Executor, userId: string) => deleteSecurityChangesOfUser(trx, userId),
  };
  // Erasure: the records of changes (and their undo links) go with the account.
  deps.hooks.on('accountErased', (trx, e) => service.forgetUser(trx, e.userId));
  return service;
}

export type SecurityChanges = ReturnType<typeof createSecurityChanges>;
