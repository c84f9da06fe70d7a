// Bearer authentication. A user's access token becomes request.principal; a
// service key (`rk_…`, also accepted as X-API-Key) becomes request.service.
// Routes opt in with `preHandler: auth.required` (users only) or
// `auth.userOrService` (endpoints service keys may call, e.g. introspection).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_KEY_PREFIX, type ApiKeys, type ServicePrincipal } from '../modules/sessions/api-keys.ts';
import type { Principal, SessionsService } from '../modules/sessions/sessions.service.ts';
import { commonError } from '../platform/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    service: ServicePrincipal | null;
  }
}

export interface Authenticator {
  required(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  userOrService(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

/** The user of an authenticated route (guaranteed by the `required` pre-handler). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw commonError('unauthenticated');
  return request.principal;
}

/** The service key of a request, checked for a scope; null when a user is calling. */
export function serviceWithScope(request: FastifyRequest, scope: string): ServicePrincipal | null {
  if (!request.service) return null;
  if (!request.service.scopes.includes(scope)) {
    throw commonError('forbidden', { detail: `The service key lacks the ${scope} scope.` });
  }
  return request.service;
}

const BEARER_HEADER = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i;

function credentialOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const bearer = typeof header === 'string' ? BEARER_HEADER.exec(header)?.[1] : undefined;
  if (bearer) return bearer;
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.startsWith(API_KEY_PREFIX) ? apiKey : null;
}

export function createAuthenticator(deps: {
  sessions: Pick<SessionsService, 'authenticate'>;
  apiKeys: Pick<ApiKeys, 'authenticate'>;
}): Authenticator {
  async function authenticate(
    request: FastifyRequest,
    reply: FastifyReply,
    allowService: boolean,
  ): Promise<void> {
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
      if (!allowService)
        throw commonError('forbidden', { detail: 'A service key cannot act as a user here.' });
      request.service = service;
      return;
    }
    try {
      request.principal = await deps.sessions.authenticate(credential);
    } catch (error) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw error;
    }
  }
  return {
    required: (request, reply) => authenticate(request, reply, false),
    userOrService: (request, reply) => authenticate(request, reply, true),
  };
}

/** OpenAPI: the route needs a bearer token. */
export const BEARER = [{ bearer: [] }];
