// The security-changes module's entry: what other modules and faces may use of it.
export { createSecurityChanges, type SecurityChanges } from './security-changes.service.ts';
