// Seed 002, the "Delegated / General Use APIs" (`/user/*`): its envelope and
// refusals (envelope.ts, errors.ts), the user object (views.ts), the account
// routes without a sign-in (account-routes.ts), the sign-in with its cookie
// session and second factor (session-routes.ts), a signed-in user's 2FA and
// sign-out (security-routes.ts), the profile (profile-routes.ts), the social
// graph (social-routes.ts), search and invite codes (directory-routes.ts) and
// the profile picture (picture-routes.ts). docs/compat/002.md maps each
// endpoint to the native API.
import type { Surface } from '../surface.ts';
import { accountRoutes } from './account-routes.ts';
import { readSeedBody } from './body.ts';
import { directoryRoutes } from './directory-routes.ts';
import { sendSeedError } from './errors.ts';
import { pictureRoutes } from './picture-routes.ts';
import { profileRoutes } from './profile-routes.ts';
import { securityRoutes } from './security-routes.ts';
import { sessionRoutes } from './session-routes.ts';
import { socialRoutes } from './social-routes.ts';

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
    socialRoutes(scope, deps);
    directoryRoutes(scope, deps);
    pictureRoutes(scope, deps);
    profileRoutes(scope, deps);
  },
};
