// Security headers on every reply (helmet's), tuned for a JSON API: nothing
// may be framed, scripted or sniffed. Pages that need more (the /docs
// reference, hosted pages) set their own Content-Security-Policy. Replies are
// not cached by default: most of them carry personal data or tokens.
//
// The headers do not depend on the request, so helmet computes them once, at
// start-up, and each reply starts with that set (a route's own value of one
// of them replaces it): building them per request cost more than a read of
// the user's profile.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/** What helmet's middleware sets on a response, as a header map. */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  } as unknown as ServerResponse;
  helmet(options)({} as never, res, () => {});
  return headers;
}

export function securityHeaders(options: { https: boolean }): Readonly<Record<string, string>> {
  return Object.freeze({
    ...helmetHeaders({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
      },
      // HSTS only means something when the service is reached over https.
      strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
      crossOriginResourcePolicy: { policy: 'same-origin' },
      referrerPolicy: { policy: 'no-referrer' },
      frameguard: { action: 'deny' },
    }),
    'cache-control': 'no-store',
  });
}

export async function registerSecurityHeaders(
  app: FastifyInstance,
  options: { https: boolean },
): Promise<void> {
  const headers = securityHeaders(options);
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
