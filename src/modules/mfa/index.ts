// The mfa module's entry: what other modules and faces may use of it.
export { mfaRoutes } from './mfa.routes.ts';
export { createMfaService } from './mfa.service.ts';
