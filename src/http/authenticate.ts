// Bearer authentication: `Authorization: Bearer <access token>` becomes
// request.principal. Routes opt in with `preHandler: auth.required`.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, SessionsService } from '../modules/sessions/sessions.service.ts';
import { commonError } from '../platform/errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export interface Authenticator {
  required(request: FastifyRequest, reply: FastifyReply): Promise<void>;
}

/** The principal of an authenticated route (guaranteed by the `required` pre-handler). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw commonError('unauthenticated');
  return request.principal;
}

export function createAuthenticator(sessions: Pick<SessionsService, 'authenticate'>): Authenticator {
  return {
    async required(request, reply) {
      const header = request.headers.authorization;
      const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9._~+/-]+=*)$/i.exec(header) : null;
      if (!match) {
        reply.header('www-authenticate', 'Bearer');
        throw commonError('unauthenticated', {
          detail: 'Send an access token: Authorization: Bearer <token>.',
        });
      }
      try {
        request.principal = await sessions.authenticate(match[1]!);
      } catch (error) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw error;
      }
    },
  };
}

/** OpenAPI: the route needs a bearer token. */
export const BEARER = [{ bearer: [] }];
