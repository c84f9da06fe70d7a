// Seed 002, the "Delegated / General Use APIs" (`/user/*`): its envelope and
// refusals (envelope.ts, errors.ts), the user object (views.ts), the account
// routes without a sign-in (account-routes.ts), the sign-in with its cookie
// session and second factor (session-routes.ts) and a signed-in user's
// 2FA and sign-out (security-routes.ts). docs/compat/002.md lists what is
// served and what is not yet.
import type { Surface } from '../surface.ts';
import { accountRoutes } from './account-routes.ts';
import { readSeedBody } from './body.ts';
import { sendSeedError } from './errors.ts';
import { securityRoutes } from './security-routes.ts';
import { sessionRoutes } from './session-routes.ts';

export const seed002: Surface = {
  id: '002',
  prefix: '/user',
  tag: {
    name: 'seed 002',
    description:
      'The Delegated / General Use APIs (`/user/*`): envelope `{"ok": 1, "data": {…}}`, refusals ' +
      '`{"ok": 0, "error": {code, message, errors}}` with a 4xx. POST /user/login opens a cookie session ' +
      '(`roster_session`) that GET /oauth/authorize reuses. docs/compat/002.md maps each endpoint to the native API.',
  },
  send: sendSeedError,
  register(scope, deps) {
    scope.addHook('preValidation', readSeedBody);
    accountRoutes(scope, deps);
    sessionRoutes(scope, deps);
    securityRoutes(scope, deps);
  },
};
