// The mfa module's entry: what other modules and faces may use of it.

export { mfaError } from './mfa.errors.ts';
export { createMfaService } from './mfa.service.ts';
