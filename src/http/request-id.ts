// Request ids: a caller's X-Request-Id is kept when it looks like an id (so
// traces join across services); anything else is replaced, so log lines cannot
// be forged through the header.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestId(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  // A random UUID (Node keeps a pool of entropy for them): nothing sorts
  // request ids, and a time-ordered one cost a random read per request.
  return typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
}
