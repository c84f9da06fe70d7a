// The audit module's entry: what other modules and faces may use of it.
export { type AuditEventType, lastMailboxProof, recordAudit } from './audit.service.ts';
