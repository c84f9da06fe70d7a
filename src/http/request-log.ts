// The request log: one line per request once it is answered ("request
// completed": reqId, method, URL, client address, status, milliseconds) at
// LOG_LEVEL=info, and at debug an "incoming request" line when it arrives.
// Probes and scrapes are left out.
//
// The line is built from known fields only (the `req` serializer keeps the
// method, the URL with its secrets and personal data replaced, and the
// address; `res` keeps the status), so it is written by a child logger
// without the redaction paths the rest of the log needs for objects of
// unknown shape: at thousands of requests a second, that redaction cost more
// than the line itself.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

export function registerRequestLog(app: FastifyInstance, unlogged: ReadonlySet<string>): void {
  const log: FastifyBaseLogger = app.log.child({}, { redact: { paths: [] } });
  const logged = (url: string) => !unlogged.has(url);
  if (app.log.level === 'debug' || app.log.level === 'trace')
    app.addHook('onRequest', (request, _reply, done) => {
      if (logged(request.url)) log.debug({ reqId: request.id, req: request }, 'incoming request');
      done();
    });
  app.addHook('onResponse', (request, reply, done) => {
    if (logged(request.url))
      log.info(
        { reqId: request.id, req: request, res: reply, responseTime: reply.elapsedTime },
        'request completed',
      );
    done();
  });
}
