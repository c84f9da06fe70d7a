// Seed 001, the "Profile API" of a FastAPI service (`/api/v1/me*`): plain
// JSON bodies in snake_case, FastAPI's refusals (errors.ts, validation.ts)
// and its way of reading bodies (body.ts), the profile object (views.ts) and
// the four routes (routes.ts). Accounts and tokens come from the native API
// or Roster's OpenID provider: the document has no sign-up or sign-in.
import type { Surface } from '../surface.ts';
import { readBodiesAsFastApi, validateAfterAuthentication } from './body.ts';
import { rememberRoute, sendSeedError } from './errors.ts';
import { seed001Routes } from './routes.ts';
import { formatSchemaErrors } from './validation.ts';

export const seed001: Surface = {
  id: '001',
  prefix: '/api/v1',
  tag: {
    name: 'seed 001',
    description:
      'The FastAPI service’s Profile API (`/api/v1/me*`): plain JSON in snake_case; bad input is 422 ' +
      '`HTTPValidationError` `{"detail": [{loc, msg, type}]}`, other refusals `{"detail": "…"}`. ' +
      'docs/compat/001.md maps each endpoint to the native API.',
  },
  send: sendSeedError,
  register(scope, deps) {
    scope.setSchemaErrorFormatter(formatSchemaErrors);
    scope.addHook('onRoute', rememberRoute);
    scope.addHook('onRoute', validateAfterAuthentication);
    readBodiesAsFastApi(scope);
    seed001Routes(scope, deps);
  },
};
