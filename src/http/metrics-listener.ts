// The listener of its own that serves /metrics when METRICS_PORT is set, so
// scrapers reach it on a private address (METRICS_HOST, loopback by default)
// while the public listener has no /metrics at all. Nothing else is served
// here; errors are the same problem+json as on the main listener.
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { registerErrorHandling } from './error-handler.ts';
import { type Metrics, metricsRoute } from './metrics.ts';
import { requestId } from './request-id.ts';

export interface MetricsListener {
  /** The bound address, e.g. http://127.0.0.1:9464. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startMetricsListener(
  metrics: Metrics & { readonly port: number },
  logger: FastifyBaseLogger,
): Promise<MetricsListener> {
  const app = Fastify({
    loggerInstance: logger.child({ listener: 'metrics' }),
    // A scrape every few seconds would drown the log.
    disableRequestLogging: true,
    genReqId: requestId,
    forceCloseConnections: 'idle',
  });
  registerErrorHandling(app);
  metricsRoute(app, metrics);
  const url = await app.listen({ port: metrics.port, host: metrics.host });
  return { url, close: () => app.close() };
}
