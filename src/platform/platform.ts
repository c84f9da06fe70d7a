// The platform adapters every module is built on, made once from the
// configuration: database, clock, rate limits, cross-node events, mail and SMS
// through the outbox, password hashing, encryption, lifecycle hooks and the
// keys derived from ROSTER_SECRET. No business rule lives here.
//
// Connections open on first use: a CLI command that never rate-limits or
// announces anything (`user list`) opens no Redis connection, and the outbox
// worker runs only once start() is called (the server, not the CLI).
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import type { BlobStore } from './blob-store/blob-store.ts';
import { createBlobStore } from './blob-store/create-blob-store.ts';
import type { Clock } from './clock.ts';
import { createEncrypter } from './crypto/encryption.ts';
import { createPasswordHasher, type PasswordHasher } from './crypto/password-hasher.ts';
import { hmacSha256 } from './crypto/tokens.ts';
import type { Database } from './db/database.ts';
import { createEventBus, type EventBus } from './events/event-bus.ts';
import { createHooks } from './hooks.ts';
import { lazy } from './lazy.ts';
import { loadOnUse } from './load-on-use.ts';
import { createMailer } from './mailer/create-mailer.ts';
import type { Mailer } from './mailer/mailer.ts';
import { createJobQueue } from './outbox/job-queue.ts';
import { createMailQueue } from './outbox/mail-queue.ts';
import { mailSender, type OutboxChannel } from './outbox/outbox.service.ts';
import type { OutboxSender } from './outbox/outbox-sender.ts';
import { createOutboxWorker, type OutboxLogger, type OutboxWorker } from './outbox/outbox-worker.ts';
import { createRateGuard } from './rate-limit/rate-guard.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit/rate-limiter.ts';
import { createSmsSender } from './sms/create-sms-sender.ts';
import { createSmsQueue, smsOutboxSender } from './sms/sms-queue.ts';
import type { SmsSender } from './sms/sms-sender.ts';

/** Replacements for platform parts (tests: a manual clock's rate limiter, a cheaper hasher). */
export interface PlatformOverrides {
  readonly hasher?: PasswordHasher;
  readonly rateLimiter?: RateLimiter;
  readonly events?: EventBus;
  readonly mailer?: Mailer;
  readonly smsSender?: SmsSender;
  readonly blobStore?: BlobStore;
  /** Outbox poll interval; the worker is also woken after every commit that queues a message. */
  readonly outboxPollMs?: number;
}

export type PlatformLogger = OutboxLogger & { warn(fields: object, message: string): void };

/** A purpose's key derived from the current ROSTER_SECRET (HMAC), so one secret serves every keyed hash. */
export type DerivedKey =
  | 'otp-code'
  | 'device-cookie'
  | 'invite-code'
  | 'recovery-code'
  | 'media-url'
  | 'media-upload'
  | 'session-cookie'
  | 'oidc-cookie'
  | 'signup-proof';

export function createPlatform(
  config: Config,
  database: Database,
  clock: Clock,
  logger: PlatformLogger,
  overrides: PlatformOverrides = {},
) {
  let redis: Redis | null = null;
  const rateLimiter =
    overrides.rateLimiter ??
    lazy(() => {
      if (config.redisUrl)
        redis = new (loadOnUse<typeof import('ioredis')>('ioredis').Redis)(config.redisUrl, {
          connectionName: 'roster-rate-limit',
          lazyConnect: false,
        });
      return createRateLimiter({ redis, clock });
    });
  let eventsMade = overrides.events !== undefined;
  const events =
    overrides.events ??
    lazy(() => {
      eventsMade = true;
      return createEventBus(config.redisUrl, {
        onError: (err, channel) => logger.warn({ err, channel }, 'event bus error'),
      });
    });
  let mailerMade = overrides.mailer !== undefined;
  const mailer =
    overrides.mailer ??
    lazy(() => {
      mailerMade = true;
      return createMailer(config, clock);
    });
  const smsSender = overrides.smsSender ?? lazy(() => createSmsSender(config, clock));
  const keyFrom = (secret: string, purpose: DerivedKey) => hmacSha256(secret, `roster/${purpose}-key`);
  const key = (purpose: DerivedKey) => keyFrom(config.secrets[0]!, purpose);
  /** The purpose's key from every ROSTER_SECRET, newest first: the first signs, all verify. */
  const keys = (purpose: DerivedKey) => config.secrets.map((secret) => keyFrom(secret, purpose));
  // An override belongs to its caller, who closes it.
  let blobStoreMade = false;
  const blobStore =
    overrides.blobStore ??
    lazy(() => {
      blobStoreMade = true;
      return createBlobStore({
        storageUrl: config.storage.kind === 's3' ? config.storage.url : `file:${config.storage.dir}`,
        dataDir: config.dataDir,
        publicUrl: config.publicUrl,
        signingKey: key('media-url'),
        clock,
      });
    });
  const mediaBase = config.media.publicUrl ?? `${config.publicUrl}/media`;
  const jobs = new Map<OutboxChannel, OutboxSender>();
  let worker: OutboxWorker | null = null;
  const wake = () => worker?.wake();

  return {
    config,
    database,
    db: database.db,
    dialect: database.dialect,
    clock,
    logger,
    rateLimiter,
    guard: createRateGuard(rateLimiter, config.rateLimitIpFactor, config.rateLimitUserFactor),
    events,
    mail: createMailQueue({ clock, wake }),
    sms: createSmsQueue({ clock, wake }),
    jobs: createJobQueue({ clock, wake }),
    blobStore,
    /** Where a public object is read: `PUBLIC_URL/media/<key>`, or under MEDIA_PUBLIC_URL (a CDN, the bucket). */
    mediaUrl: (objectKey: string) => `${mediaBase}/${objectKey}`,
    hasher: overrides.hasher ?? createPasswordHasher(),
    encrypter: createEncrypter(config.secrets),
    hooks: createHooks(),
    key,
    keys,

    /** A module's outbox channel (a job that mails when it runs); before start(). */
    handleJobs(channel: OutboxChannel, sender: OutboxSender): void {
      jobs.set(channel, sender);
    },

    /** Starts the outbox worker (the server; a CLI command queues and leaves sending to it). */
    startWorker(): void {
      worker ??= createOutboxWorker({
        database,
        senders: {
          mail: mailSender(mailer),
          sms: smsOutboxSender(smsSender),
          ...Object.fromEntries(jobs),
        },
        clock,
        logger,
        pollIntervalMs: overrides.outboxPollMs ?? 1_000,
      });
      worker.start();
    },

    /** Stops the worker and closes every connection that was opened. */
    async stop(): Promise<void> {
      await worker?.stop();
      if (eventsMade) await events.close();
      if (mailerMade) await mailer.close?.();
      if (blobStoreMade) await blobStore.close();
      const client = redis as Redis | null;
      if (client) {
        // quit() waits for a reply a dead Redis never sends.
        if (client.status === 'ready') await client.quit();
        else client.disconnect();
      }
    },
  };
}

export type Platform = ReturnType<typeof createPlatform>;
