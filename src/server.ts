// Runs the service: opens the database, applies migrations, builds the app and
// listens. Stopping drains in-flight requests, then closes the database.
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { buildApp } from './app.ts';
import type { Config } from './config/load-config.ts';
import type { App } from './http/app-types.ts';
import { metricsOf } from './http/metrics.ts';
import { type MetricsListener, startMetricsListener } from './http/metrics-listener.ts';
import { openDatabase } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { loggerOptions } from './platform/logger.ts';

export interface RunningServer {
  readonly app: App;
  /** The bound address, e.g. http://127.0.0.1:3000. */
  readonly url: string;
  /** Where /metrics is served when METRICS_PORT gives it a listener of its own (e.g. http://127.0.0.1:9464/metrics); null otherwise. */
  readonly metricsUrl: string | null;
  /** Stops accepting, finishes in-flight requests (up to the shutdown timeout), closes the database. */
  stop(): Promise<{ forced: boolean }>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const logger = pino(loggerOptions(config.logLevel));
  const database = openDatabase(config.database);
  try {
    for (const line of await migrateToLatest(database)) logger.info(line);
  } catch (error) {
    await database.close();
    throw error;
  }
  const app = await buildApp({ config, database, logger });
  const metrics = metricsOf(app);
  let metricsListener: MetricsListener | null = null;
  let url: string;
  try {
    // The metrics listener first: a port already taken stops start-up before
    // the public listener takes traffic.
    if (metrics.port !== null)
      metricsListener = await startMetricsListener({ ...metrics, port: metrics.port }, logger);
    url = await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await metricsListener?.close();
    await app.close();
    await database.close();
    throw error;
  }
  const metricsUrl = metricsListener ? `${metricsListener.url}/metrics` : null;
  logger.info(
    {
      url,
      metricsUrl,
      publicUrl: config.publicUrl,
      dialect: database.dialect,
      startupMs: Math.round(performance.now()),
    },
    'roster listening',
  );

  let stopping: Promise<{ forced: boolean }> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      let forced = false;
      // Requests that outlive the grace period are cut so shutdown stays bounded.
      const timer = setTimeout(() => {
        forced = true;
        logger.warn('shutdown timeout reached: closing remaining connections');
        app.server.closeAllConnections();
      }, config.shutdownTimeoutSeconds * 1000);
      try {
        // Scrapes keep working while requests drain; the metrics listener closes after them.
        await app.close();
      } finally {
        clearTimeout(timer);
        await metricsListener?.close();
        await database.close();
      }
      logger.info({ forced }, 'roster stopped');
      return { forced };
    })();
    return stopping;
  };
  return { app, url, metricsUrl, stop };
}

/** SIGTERM and SIGINT stop the server once; the process then exits 0. */
export function stopOnSignals(server: RunningServer): void {
  const onSignal = (signal: NodeJS.Signals) => {
    server.app.log.info({ signal }, 'shutting down');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
