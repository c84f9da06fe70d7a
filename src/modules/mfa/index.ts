// The mfa module's entry: what other modules and faces may use of it.

export { createMfaService } from './mfa.service.ts';
