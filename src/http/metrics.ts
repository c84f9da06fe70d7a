// Prometheus metrics: request duration by route template and status, plus the
// process metrics prom-client collects. One registry per app instance, so
// tests that build several apps do not share counters.
//
// Where /metrics is served (they tell a stranger about traffic and the
// process, so production never serves them openly):
// - METRICS_PORT set: on a listener of its own (metrics-listener.ts, bound to
//   METRICS_HOST, loopback by default), and not on the main one;
// - otherwise on the main listener: with ROSTER_METRICS_TOKEN set, only to
//   `Authorization: Bearer <token>` (in every environment); without one,
//   openly in development and test, and not at all in production.
// With a port and a token, the own listener asks for the token too.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Config } from '../config/load-config.ts';
import { constantTimeEqual } from '../platform/crypto/tokens.ts';
import { commonError } from '../platform/errors.ts';
import { problemResponses } from './problem.ts';

export interface Metrics {
  readonly registry: Registry;
  /** Whether the main listener serves /metrics. */
  readonly onMain: boolean;
  /** The bearer token /metrics asks for, wherever it is served; null: none. */
  readonly token: string | null;
  /** The own listener's port (0: any free one), or null when /metrics is on the main listener. */
  readonly port: number | null;
  readonly host: string;
}

/** Each app's metrics, for the server to start the own listener with. */
const byApp = new WeakMap<FastifyInstance, Metrics>();

export function metricsOf(app: FastifyInstance): Metrics {
  const metrics = byApp.get(app);
  if (!metrics) throw new Error('metricsOf: registerMetrics was not called for this app');
  return metrics;
}

export function registerMetrics(app: FastifyInstance, config: Pick<Config, 'env' | 'metrics'>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });

  // Each method, route and status's series, looked up once: prom-client
  // otherwise hashes the label object on every observation.
  const series = new Map<string, Histogram.Internal<'method' | 'route' | 'status_code'>>();
  app.addHook('onResponse', (request, reply, done) => {
    // The route template, never the raw URL: ids in paths would explode cardinality.
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let observer = series.get(key);
    if (observer === undefined) {
      observer = duration.labels({ method: request.method, route, status_code: String(reply.statusCode) });
      series.set(key, observer);
    }
    observer.observe(reply.elapsedTime / 1000);
    done();
  });
  const { token, port, host } = config.metrics;
  const metrics: Metrics = {
    registry,
    onMain: port === null && (token !== null || config.env !== 'production'),
    token,
    port,
    host,
  };
  byApp.set(app, metrics);
  return metrics;
}

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function assertScraper(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const header = request.headers.authorization;
  const presented = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
  // Compared as digests: the time taken says nothing about the token's length or prefix.
  if (presented === undefined || !constantTimeEqual(presented, token)) {
    reply.header('www-authenticate', 'Bearer realm="metrics"');
    throw commonError('unauthenticated', { detail: 'Send Authorization: Bearer <ROSTER_METRICS_TOKEN>.' });
  }
}

/** GET /metrics on `app`, asking for the token when one is set. */
export function metricsRoute(app: FastifyInstance, metrics: Metrics): void {
  const { token, registry } = metrics;
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['service'],
        summary: 'Prometheus metrics',
        description:
          'Prometheus text format: `http_request_duration_seconds` by method, route and status, and process ' +
          'metrics. With `ROSTER_METRICS_TOKEN` set, only with `Authorization: Bearer <token>` (401 otherwise). ' +
          'With `METRICS_PORT` set, served on that listener instead (and 404 here); in production without ' +
          'either, not served.',
        response: {
          200: {
            description: 'Prometheus exposition format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...problemResponses(401),
        },
      },
      ...(token === null
        ? {}
        : {
            onRequest: async (request: FastifyRequest, reply: FastifyReply) =>
              assertScraper(request, reply, token),
          }),
    },
    async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
}
