import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../platform/request-context.ts';

const MAX_USER_AGENT = 512;

/**
 * The client address. `request.ip` honours TRUST_PROXY (Fastify's trustProxy),
 * so behind a trusted proxy it is X-Forwarded-For's entry, which the client
 * writes in part: only an IP address is believed, anything else
 * ("x visit https://phish…") would be shown as the client in the session list,
 * the audit and mails. Otherwise the socket's address counts.
 */
function clientIp(request: FastifyRequest): string {
  if (isIP(request.ip) !== 0) return request.ip;
  return request.socket.remoteAddress ?? '0.0.0.0';
}

/** The caller as the domain sees it. */
export function requestContext(request: FastifyRequest): RequestContext {
  const ua = request.headers['user-agent'];
  return { ip: clientIp(request), userAgent: typeof ua === 'string' ? ua.slice(0, MAX_USER_AGENT) : null };
}
