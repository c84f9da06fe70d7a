// Bearer authentication and the permission each route declares, in one line:
//   preHandler: auth.user('profile:write')               users only
//   preHandler: auth.userOrService('tokens:introspect')  users or service keys
// A user's access token becomes request.principal; a service key (`rk_…`,
// also accepted as X-API-Key) becomes request.service. A credential without
// the route's permission is refused before the handler (platform/auth/policy.ts):
// a user's token with 403 `insufficient_scope` and a WWW-Authenticate naming
// the scope, a service key with 403 `forbidden`. Staff permissions also need
// the admin role, which is read only for them. The OpenAPI document derives
// each route's security from the same declaration (openapi.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccountsService } from '../modules/accounts/index.ts';
import type { ApiKeys, SessionsService } from '../modules/sessions/index.ts';
import { hasScope, type Permission, policy, scopeFor } from '../platform/auth/policy.ts';
import {
  API_KEY_PREFIX,
  type ServicePrincipal,
  type UserPrincipal,
  type Viewer,
} from '../platform/auth/principal.ts';
import { DomainError } from '../platform/domain-error.ts';
import { commonError } from '../platform/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: UserPrincipal | null;
    service: ServicePrincipal | null;
  }
}

/** What a route declared: the permission it needs, and whether service keys may call it. */
export interface RouteAuth {
  readonly permission: Permission;
  readonly services: boolean;
}

const ROUTE_AUTH = Symbol('roster.routeAuth');

/** A pre-handler that authenticates and checks the route's permission; it carries its declaration. */
export type AuthPreHandler = ((request: FastifyRequest, reply: FastifyReply) => Promise<void>) & {
  readonly [ROUTE_AUTH]: RouteAuth;
};

export interface Authenticator {
  /** A signed-in user whose token grants `permission`. */
  user(permission: Permission): AuthPreHandler;
  /** A user, or a service key, granted `permission` (e.g. introspection). */
  userOrService(permission: Permission): AuthPreHandler;
}

/** The declaration of a route's pre-handler(s), or undefined for a public route. */
export function routeAuthOf(preHandler: unknown): RouteAuth | undefined {
  const handlers: unknown[] = Array.isArray(preHandler) ? preHandler : [preHandler];
  for (const handler of handlers) {
    if (typeof handler === 'function' && ROUTE_AUTH in handler)
      return (handler as AuthPreHandler)[ROUTE_AUTH];
  }
  return undefined;
}

/** The user of an authenticated route (guaranteed by the `user` pre-handler). */
export function principalOf(request: FastifyRequest): UserPrincipal {
  if (!request.principal) throw commonError('unauthenticated');
  return request.principal;
}

/** The signed-in user as a viewer of others: staff views only with a staff permission in the token. */
export function viewerOf(request: FastifyRequest): Viewer {
  const principal = principalOf(request);
  return { userId: principal.userId, staffScope: hasScope(principal, 'users:read') };
}

/** The user or service key of a `userOrService` route. */
export function callerOf(request: FastifyRequest): UserPrincipal | ServicePrincipal {
  return request.service ?? principalOf(request);
}

const BEARER_HEADER = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i;

/** The bearer token of the Authorization header, if one is there. */
export function bearerTokenOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  return (typeof header === 'string' ? BEARER_HEADER.exec(header)?.[1] : undefined) ?? null;
}

function credentialOf(request: FastifyRequest): string | null {
  const bearer = bearerTokenOf(request);
  if (bearer) return bearer;
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.startsWith(API_KEY_PREFIX) ? apiKey : null;
}

export function createAuthenticator(deps: {
  sessions: Pick<SessionsService, 'authenticate'>;
  apiKeys: Pick<ApiKeys, 'authenticate'>;
  /** Reads the role of a user, for staff permissions only. */
  accounts: Pick<AccountsService, 'getUser'>;
}): Authenticator {
  const roleOf = async (userId: string) => (await deps.accounts.getUser(userId)).role;

  async function authenticate(request: FastifyRequest, reply: FastifyReply, route: RouteAuth): Promise<void> {
    const credential = credentialOf(request);
    if (!credential) {
      reply.header('www-authenticate', 'Bearer');
      throw commonError('unauthenticated', {
        detail: 'Send an access token: Authorization: Bearer <token>.',
      });
    }
    if (credential.startsWith(API_KEY_PREFIX)) {
      const service = await deps.apiKeys.authenticate(credential);
      if (!service) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw commonError('unauthenticated', { detail: 'The service key is unknown or revoked.' });
      }
      if (!route.services)
        throw commonError('forbidden', { detail: 'A service key cannot act as a user here.' });
      policy.require(service, route.permission);
      request.service = service;
      return;
    }
    let principal: UserPrincipal;
    try {
      principal = await deps.sessions.authenticate(credential);
    } catch (error) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw error;
    }
    try {
      principal = await policy.authorize(principal, route.permission, roleOf);
    } catch (error) {
      // RFC 6750 §3.1: the scope a client should ask for.
      if (error instanceof DomainError && error.code === 'insufficient_scope') {
        reply.header(
          'www-authenticate',
          `Bearer error="insufficient_scope", scope="${scopeFor(route.permission)}"`,
        );
      }
      throw error;
    }
    request.principal = principal;
  }

  const declare = (route: RouteAuth): AuthPreHandler =>
    Object.assign((request: FastifyRequest, reply: FastifyReply) => authenticate(request, reply, route), {
      [ROUTE_AUTH]: route,
    });
  return {
    user: (permission) => declare({ permission, services: false }),
    userOrService: (permission) => declare({ permission, services: true }),
  };
}
