// Seed 004, the exam-preparation app's "V1 API User" (`/users/*`): its
// envelope and numeric codes (errors.ts), its views (views.ts), its routes
// (routes.ts), and its `x-dev-time` header, validated on every request and
// setting the request's time only where the operator allowed it.
import { commonError } from '../../platform/errors.ts';
import type { Surface } from '../surface.ts';
import { sendSeedError } from './errors.ts';
import { seed004Routes } from './routes.ts';
import { DEV_TIME_PATTERN } from './schemas.ts';

export const seed004: Surface = {
  id: '004',
  prefix: '/users',
  tag: {
    name: 'seed 004',
    description:
      'The exam app’s V1 API User (`/users/*`): envelope `{status, is_data_encrypted, data, error, ' +
      'app_actions}`, numeric error codes. docs/compat/004.md maps each endpoint to the native API.',
  },
  send: sendSeedError,
  register(scope, deps) {
    scope.addHook('onRequest', (request, _reply, done) => {
      const raw = request.headers['x-dev-time'];
      if (raw === undefined) return done();
      if (typeof raw !== 'string' || !DEV_TIME_PATTERN.test(raw))
        return done(
          commonError('validation_failed', {
            detail: 'The x-dev-time header must be 13 digits (epoch ms).',
            errors: [{ path: 'headers.x-dev-time', message: 'must be 13 digits' }],
          }),
        );
      if (!deps.requestTime) return done();
      deps.requestTime.runAt(new Date(Number(raw)), () => done());
    });
    seed004Routes(scope, deps);
  },
};
