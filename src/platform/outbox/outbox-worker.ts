// Drains the outbox: claims due messages under a lease, hands each to its
// channel's sender, records the outcome. Delivery is at least once: a node
// that dies after sending but before recording it leaves a lease that expires,
// and the message goes out again (with the same id, for receivers to dedupe).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { redactText } from '../logger.ts';
import {
  claimDueMessages,
  deleteFinishedMessages,
  markFailed,
  markRetry,
  markSent,
  type OutboxMessage,
} from './outbox.repository.ts';
import { type OutboxSenders, PermanentSendError } from './outbox-sender.ts';
import { defaultRetryPolicy, type RetryPolicy, retryDelayMs } from './retry-policy.ts';

/** The part of pino the worker uses. Payloads are never logged: they hold codes and links. */
export interface OutboxLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface OutboxWorkerOptions extends Partial<RetryPolicy> {
  readonly database: Database;
  readonly senders: OutboxSenders;
  readonly clock?: Clock;
  readonly logger?: OutboxLogger;
  /** Pause between polls when idle; wake() cuts it short. */
  readonly pollIntervalMs?: number;
  /** Messages claimed (and sent concurrently) at once. */
  readonly batchSize?: number;
  /** How long a claim holds; must outlast a sender's own timeout (SMTP: 1 min). */
  readonly leaseMs?: number;
  /** Sent and failed rows are deleted this long after creation. */
  readonly retentionMs?: number;
  /** Jitter source (tests pin it). */
  readonly random?: () => number;
}

export interface DrainResult {
  sent: number;
  retried: number;
  failed: number;
}

export interface OutboxWorker {
  /** Starts polling (the first poll runs at once). */
  start(): void;
  /** Stops polling; resolves once the batch in flight is recorded. */
  stop(): Promise<void>;
  /** Polls soon, e.g. after a commit that enqueued something. */
  wake(): void;
  /** Processes everything due now, batch after batch; for tests and the CLI. */
  drainOnce(): Promise<DrainResult>;
}

const PRUNE_EVERY_MS = 60 * 60_000; // 1 h
const MAX_ERROR_LENGTH = 1000;
const silent: OutboxLogger = { info() {}, warn() {}, error() {} };

export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { database, senders } = options;
  const { db, dialect } = database;
  const clock = options.clock ?? systemClock;
  const log = options.logger ?? silent;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000; // 1 s
  const batchSize = options.batchSize ?? 10;
  const leaseMs = options.leaseMs ?? 5 * 60_000; // 5 min
  const retentionMs = options.retentionMs ?? 7 * 24 * 60 * 60_000; // 7 days
  const policy: RetryPolicy = {
    baseDelayMs: options.baseDelayMs ?? defaultRetryPolicy.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? defaultRetryPolicy.maxDelayMs,
    maxAttempts: options.maxAttempts ?? defaultRetryPolicy.maxAttempts,
  };
  const channels = Object.keys(senders);

  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let wakeRequested = false;
  let lastPrune = Number.NEGATIVE_INFINITY;
  // Polls run in the async context the worker was made in, never in that of
  // the request whose commit woke it: their work is no part of that request.
  const inWorkerContext = AsyncLocalStorage.snapshot();

  async function deliver(row: OutboxMessage, result: DrainResult): Promise<void> {
    const fields = { outboxId: row.id, channel: row.channel, attempt: row.attempts };
    if (row.attempts > policy.maxAttempts) {
      // Every attempt so far ended with its lease expiring: the message keeps killing its sender.
      const last = row.last_error ? ` (last error: ${row.last_error})` : '';
      await markFailed(db, row, describe(`lease expired on attempt ${row.attempts - 1}${last}`));
      result.failed++;
      log.error(fields, 'outbox message failed: leases expired');
      return;
    }
    try {
      await senders[row.channel]!(parsePayload(row.payload), { id: row.id, attempt: row.attempts });
    } catch (error) {
      const reason = describe(error);
      if (error instanceof PermanentSendError || row.attempts >= policy.maxAttempts) {
        await markFailed(db, row, reason);
        result.failed++;
        log.error({ ...fields, reason }, 'outbox message failed');
      } else {
        const delay = retryDelayMs(row.attempts, policy, options.random);
        await markRetry(db, row, reason, new Date(clock.now().getTime() + delay));
        result.retried++;
        log.warn({ ...fields, reason, retryInMs: delay }, 'outbox send failed, will retry');
      }
      return;
    }
    // If this write fails the lease runs out and the message is sent again: at least once.
    if (await markSent(db, row, clock.now())) result.sent++;
    else log.warn(fields, 'outbox message was sent after its lease was taken over');
  }

  async function prune(now: Date): Promise<void> {
    if (now.getTime() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now.getTime();
    const deleted = await deleteFinishedMessages(db, new Date(now.getTime() - retentionMs), 1000);
    if (deleted > 0) log.info({ deleted }, 'outbox pruned');
  }

  async function drain(keepGoing: () => boolean): Promise<DrainResult> {
    const result: DrainResult = { sent: 0, retried: 0, failed: 0 };
    do {
      const now = clock.now();
      const batch = await claimDueMessages(db, dialect, {
        now,
        limit: batchSize,
        leaseUntil: new Date(now.getTime() + leaseMs),
        channels,
      });
      await Promise.all(
        batch.map((row) =>
          deliver(row, result).catch((error: unknown) => {
            // Storage trouble while recording: the lease expires and the message is retried.
            log.error({ outboxId: row.id, err: error }, 'outbox could not record a delivery');
          }),
        ),
      );
      if (batch.length < batchSize) break;
    } while (keepGoing());
    await prune(clock.now());
    return result;
  }

  function schedule(delayMs: number): void {
    clearTimeout(timer);
    timer = setTimeout(() => inWorkerContext(poll), delayMs);
    // An idle worker alone does not keep the process alive.
    timer.unref();
  }

  function poll(): void {
    timer = undefined;
    if (!running || inFlight) return;
    inFlight = (async () => {
      do {
        wakeRequested = false;
        try {
          await drain(() => running);
        } catch (error) {
          log.error({ err: error }, 'outbox poll failed');
        }
      } while (wakeRequested && running);
    })().finally(() => {
      inFlight = undefined;
      if (running) schedule(pollIntervalMs);
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule(0);
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
    wake() {
      if (!running) return;
      if (inFlight) wakeRequested = true;
      else schedule(0);
    },
    drainOnce: () => drain(() => true),
  };
}

function parsePayload(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch (error) {
    throw new PermanentSendError('payload is not JSON', { cause: error });
  }
}

/**
 * The reason stored in last_error and logged: a provider's answer often echoes
 * the recipient and the message (its code), so those are redacted first, and
 * before the cut, so no part of one survives a truncation.
 */
function describe(error: unknown): string {
  const text = redactText(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH)}…` : text;
}
