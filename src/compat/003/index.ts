// Seed 003, the talent marketplace's "Account" API (`/v1/account*`): its
// envelope (envelope.ts, errors.ts), its account objects (views.ts) and its
// routes (account-routes.ts, security-routes.ts). Accounts and tokens come
// from the native API: the document has no sign-up or sign-in.
import type { Surface } from '../surface.ts';
import { accountRoutes } from './account-routes.ts';
import { sendSeedError } from './errors.ts';
import { securityRoutes } from './security-routes.ts';

export const seed003: Surface = {
  id: '003',
  prefix: '/v1/account',
  tag: {
    name: 'seed 003',
    description:
      'The talent marketplace’s Account API (`/v1/account*`): envelope `{status, message, data}`. ' +
      'docs/compat/003.md maps each endpoint to the native API.',
  },
  send: sendSeedError,
  register(scope, deps) {
    accountRoutes(scope, deps);
    securityRoutes(scope, deps);
  },
};
