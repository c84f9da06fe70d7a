// Look-ups for services and operators: who has this number, does this
// address or number have an account. Both need `users:read`: a service key
// holding it, or an admin (the operator service checks, through the policy).
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, callerOf } from '../../http/authenticate.ts';
import { problemResponses } from '../../http/problem.ts';
import { Email, Text } from '../../http/schemas.ts';
import { PrivateUser, toPrivateUser } from './accounts.schemas.ts';
import type { OperatorService } from './operator.service.ts';

export function usersRoutes(app: App, deps: { operator: OperatorService; auth: Authenticator }): void {
  const { operator, auth } = deps;

  app.get(
    '/v1/users/by-phone/:e164',
    {
      preHandler: auth.userOrService('users:read'),
      schema: {
        tags: ['users'],
        summary: 'The account a verified number signs in to',
        description: 'Service keys with `users:read`, or admins.',
        params: Type.Object({
          e164: Text(32, { description: 'E.164, e.g. +4915112345678 (URL-encode the +)' }),
        }),
        response: { 200: PrivateUser, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request) => toPrivateUser(await operator.findByPhone(callerOf(request), request.params.e164)),
  );

  app.get(
    '/v1/users/exists',
    {
      preHandler: auth.userOrService('users:read'),
      schema: {
        tags: ['users'],
        summary: 'Does an address or a verified number have an account?',
        description: 'Exactly one of `email` and `phone`. Service keys with `users:read`, or admins.',
        querystring: Type.Object(
          { email: Type.Optional(Email), phone: Type.Optional(Text(32)) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ exists: Type.Boolean() }), ...problemResponses(401, 403, 422) },
      },
    },
    async (request) => ({ exists: await operator.exists(callerOf(request), request.query) }),
  );
}
