// Look-ups for services and operators: who has this number, does this
// address or number have an account. A service key needs `users:read`;
// a user needs the admin role (admins hold every scope). Everyone else: 403.
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../http/app-types.ts';
import { type Authenticator, BEARER, principalOf, serviceWithScope } from '../../http/authenticate.ts';
import { problemResponses } from '../../http/problem.ts';
import { Email, Text } from '../../http/schemas.ts';
import { commonError } from '../../platform/errors.ts';
import { PrivateUser, toPrivateUser } from './accounts.schemas.ts';
import type { AccountsService } from './accounts.service.ts';
import type { OperatorService } from './operator.service.ts';

export function usersRoutes(
  app: App,
  deps: { accounts: AccountsService; operator: OperatorService; auth: Authenticator },
): void {
  const { accounts, operator, auth } = deps;

  /** A service key with the scope, or an admin user. */
  async function requireScope(request: FastifyRequest, scope: string): Promise<void> {
    if (serviceWithScope(request, scope)) return;
    const user = await accounts.getUser(principalOf(request).userId);
    if (user.role !== 'admin')
      throw commonError('forbidden', { detail: `Needs the ${scope} scope or the admin role.` });
  }

  app.get(
    '/v1/users/by-phone/:e164',
    {
      preHandler: auth.userOrService,
      schema: {
        tags: ['users'],
        summary: 'The account a verified number signs in to',
        description: 'Service keys with `users:read`, or admins.',
        security: BEARER,
        params: Type.Object({
          e164: Text(32, { description: 'E.164, e.g. +4915112345678 (URL-encode the +)' }),
        }),
        response: { 200: PrivateUser, ...problemResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      await requireScope(request, 'users:read');
      return toPrivateUser(await operator.findByPhone(request.params.e164));
    },
  );

  app.get(
    '/v1/users/exists',
    {
      preHandler: auth.userOrService,
      schema: {
        tags: ['users'],
        summary: 'Does an address or a verified number have an account?',
        description: 'Exactly one of `email` and `phone`. Service keys with `users:read`, or admins.',
        security: BEARER,
        querystring: Type.Object(
          { email: Type.Optional(Email), phone: Type.Optional(Text(32)) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ exists: Type.Boolean() }), ...problemResponses(401, 403, 422) },
      },
    },
    async (request) => {
      await requireScope(request, 'users:read');
      const { email, phone } = request.query;
      if ((email === undefined) === (phone === undefined)) {
        throw commonError('validation_failed', {
          detail: 'Send exactly one of email and phone.',
          errors: [{ path: 'query.email', message: 'send exactly one of email and phone' }],
        });
      }
      return { exists: await operator.exists({ email, phone }) };
    },
  );
}
