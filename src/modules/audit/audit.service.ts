// The security-event trail: who did what, from where. Written in the same
// transaction as the change it records (or alone, for failures that change
// nothing). Details never hold secrets or personal data.
import type { Executor } from '../../platform/db/executor.ts';
import { newId } from '../../platform/ids.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { insertAuditEvent } from './audit.repository.ts';

export type AuditEventType =
  | 'account.created'
  | 'account.signup_contested'
  | 'account.email_verified'
  | 'account.banned'
  | 'account.deleted'
  | 'login.succeeded'
  | 'login.failed'
  | 'mfa.changed'
  | 'phone.changed'
  | 'password.changed'
  | 'password.reset'
  | 'password.reset_requested'
  | 'session.revoked'
  | 'session.refresh_reused'
  | 'security.change_undone';

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
