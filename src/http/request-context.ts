import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../platform/request-context.ts';

const MAX_USER_AGENT = 512;

/** The caller as the domain sees it. `request.ip` honours TRUST_PROXY (Fastify's trustProxy). */
export function requestContext(request: FastifyRequest): RequestContext {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua.slice(0, MAX_USER_AGENT) : null };
}
