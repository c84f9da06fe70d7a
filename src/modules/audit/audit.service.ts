// The security-event trail: who did what, from where. Written in the same
// transaction as the change it records (or alone, for failures that change
// nothing). Details never hold secrets or personal data.
import type { Executor } from '../../platform/db/executor.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { findLastAuditAt, insertAuditEvent } from './audit.repository.ts';

export type AuditEventType =
  | 'account.created'
  | 'account.signup_contested'
  | 'account.email_verified'
  | 'account.banned'
  | 'account.deleted'
  | 'account.standing_changed'
  | 'account.score_changed'
  | 'account.subscription_changed'
  | 'login.succeeded'
  | 'login.failed'
  | 'mfa.changed'
  | 'phone.changed'
  | 'password.changed'
  | 'password.reset'
  | 'password.reset_requested'
  | 'session.revoked'
  | 'session.refresh_reused'
  | 'security.change_undone'
  | 'report.resolved'
  | 'achievement.progressed'
  | 'oauth.client_changed'
  | 'profile.changed_by_staff';

export interface AuditEvent {
  readonly type: AuditEventType;
  readonly userId: string | null;
  readonly context: RequestContext;
  readonly detail?: Record<string, unknown>;
}

export async function recordAudit(db: Executor, event: AuditEvent, now: Date): Promise<void> {
  await insertAuditEvent(db, {
    id: newId(),
    userId: event.userId,
    type: event.type,
    ip: event.context.ip,
    userAgent: event.context.userAgent,
    detail: event.detail ?? null,
    createdAt: now.toISOString(),
  });
}

/**
 * The last time the owner of the account's address proved the mailbox (its
 * verification, or a reset by email): the one point in time a thief who knows
 * the password cannot move by signing in again.
 */
export async function lastMailboxProof(
  db: Executor,
  user: { id: string; emailVerifiedAt: string | null },
): Promise<string | null> {
  const reset = await findLastAuditAt(db, user.id, 'password.reset');
  const candidates = [user.emailVerifiedAt, reset].filter((t): t is string => t !== null).sort();
  return candidates.at(-1) ?? null;
}
