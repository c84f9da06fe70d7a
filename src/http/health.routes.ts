// Liveness and readiness. /healthz answers while the process runs; /readyz
// also asks the database (bounded by a timeout, so a hung database makes the
// probe fail instead of hang) and fails while the node drains for shutdown.
// /metrics is here when the main listener serves it (see metrics.ts).
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { commonError } from '../platform/errors.ts';
import { type Metrics, metricsRoute } from './metrics.ts';
import { problemResponses } from './problem.ts';

export interface HealthDeps {
  ping(): Promise<void>;
  isDraining(): boolean;
  metrics: Metrics;
}

const READY_TIMEOUT_MS = 2_000;

const Status = Type.Object({ status: Type.String({ examples: ['ok'] }) });

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function healthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['service'],
        summary: 'Liveness',
        description: 'Answers 200 while the process is running. Does not touch the database.',
        response: { 200: Status },
      },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['service'],
        summary: 'Readiness',
        description:
          'Answers 200 when the database answers within 2 s; 503 (problem+json, `service_unavailable`) ' +
          'when it does not or while the node is shutting down.',
        response: { 200: Status, ...problemResponses(503) },
      },
    },
    async (request) => {
      if (deps.isDraining())
        throw commonError('service_unavailable', { detail: 'The node is shutting down.' });
      try {
        await withTimeout(deps.ping(), READY_TIMEOUT_MS);
      } catch (error) {
        request.log.warn({ err: error }, 'readiness: database unreachable');
        throw commonError('service_unavailable', { detail: 'The database is unreachable.' });
      }
      return { status: 'ready' };
    },
  );

  if (deps.metrics.onMain) metricsRoute(app, deps.metrics);
}
