// Wires the identity core (accounts, credentials, OTP, sessions) and the
// platform parts it needs. Called only from app.ts, the composition root;
// kept apart so app.ts stays about HTTP.
import { Redis } from 'ioredis';
import type { Config } from './config/load-config.ts';
import { createAccountsService, createOperatorService } from './modules/accounts/index.ts';
import {
  createCredentialsService,
  createReauthenticator,
  deleteCredentials,
} from './modules/credentials/index.ts';
import { createDirectoryService } from './modules/directory/index.ts';
import { createInvitesService } from './modules/invites/index.ts';
import { createMfaService } from './modules/mfa/index.ts';
import { createOtpService } from './modules/otp/index.ts';
import { createPhoneService } from './modules/phone/index.ts';
import { createProfilesService, loadCustomFields } from './modules/profiles/index.ts';
import { createSecurityChanges } from './modules/security-changes/index.ts';
import type { PostLoginHook } from './modules/sessions/index.ts';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  createAccessTokens,
  createApiKeys,
  createKeyStore,
  createSessionState,
  createSessionsService,
  SigningKeyError,
} from './modules/sessions/index.ts';
import { createSocialService, visibleTo } from './modules/social/index.ts';
import { createUsersService } from './modules/users/index.ts';
import type { Clock } from './platform/clock.ts';
import { createEncrypter } from './platform/crypto/encryption.ts';
import { createPasswordHasher, type PasswordHasher } from './platform/crypto/password-hasher.ts';
import { hmacSha256 } from './platform/crypto/tokens.ts';
import type { Database } from './platform/db/database.ts';
import type { Executor } from './platform/db/executor.ts';
import { createEventBus, type EventBus } from './platform/events/event-bus.ts';
import { createHooks } from './platform/hooks.ts';
import { createMailer } from './platform/mailer/create-mailer.ts';
import type { Mailer } from './platform/mailer/mailer.ts';
import { createMailQueue } from './platform/outbox/mail-queue.ts';
import { mailSender } from './platform/outbox/outbox.service.ts';
import { createOutboxWorker, type OutboxLogger } from './platform/outbox/outbox-worker.ts';
import { createRateGuard } from './platform/rate-limit/rate-guard.ts';
import { createRateLimiter, type RateLimiter } from './platform/rate-limit/rate-limiter.ts';
import { createSmsSender } from './platform/sms/create-sms-sender.ts';
import { createSmsQueue, smsOutboxSender } from './platform/sms/sms-queue.ts';
import type { SmsSender } from './platform/sms/sms-sender.ts';

export interface IdentityOverrides {
  readonly hasher?: PasswordHasher;
  readonly rateLimiter?: RateLimiter;
  readonly events?: EventBus;
  readonly mailer?: Mailer;
  readonly smsSender?: SmsSender;
  readonly postLoginHooks?: readonly PostLoginHook[];
  /** Outbox poll interval; the worker is also woken after every commit that queues mail. */
  readonly outboxPollMs?: number;
}

/** Unverified sign-ups older than ROSTER_UNVERIFIED_TTL are purged this often. */
const PURGE_EVERY_MS = 60 * 60_000;

export function createIdentity(
  config: Config,
  database: Database,
  clock: Clock,
  logger: OutboxLogger & { warn(fields: object, message: string): void },
  overrides: IdentityOverrides = {},
) {
  const { db } = database;
  const hooks = createHooks();
  const users = createUsersService({ hooks });
  let stopPurge: (() => void) | undefined;
  const redis =
    config.redisUrl && !overrides.rateLimiter
      ? new Redis(config.redisUrl, { connectionName: 'roster-rate-limit', lazyConnect: false })
      : null;
  const rateLimiter = overrides.rateLimiter ?? createRateLimiter({ redis, clock });
  const guard = createRateGuard(rateLimiter, config.rateLimitIpFactor, config.rateLimitUserFactor);
  const events =
    overrides.events ??
    createEventBus(config.redisUrl, {
      onError: (err, channel) => logger.warn({ err, channel }, 'event bus error'),
    });
  const mailer = overrides.mailer ?? createMailer(config, clock);
  const smsSender = overrides.smsSender ?? createSmsSender(config, clock);
  const worker = createOutboxWorker({
    database,
    senders: {
      mail: mailSender(mailer),
      sms: smsOutboxSender(smsSender),
      // credentials is made below; the worker sends only once started.
      password_reset: (payload, context) => credentials.sendPasswordReset(payload, context),
    },
    clock,
    logger,
    pollIntervalMs: overrides.outboxPollMs ?? 1_000,
  });
  const mail = createMailQueue({ clock, wake: () => worker.wake() });
  const sms = createSmsQueue({ clock, wake: () => worker.wake() });
  const hasher = overrides.hasher ?? createPasswordHasher();
  const encrypter = createEncrypter(config.secrets);
  const keys = createKeyStore({
    db,
    encrypter,
    clock,
    tokenLifetimeMs: ACCESS_TOKEN_TTL_SECONDS * 1000,
    onReloadError: (err) => logger.warn({ err }, 'signing keys could not be reloaded'),
  });
  const state = createSessionState({ db, clock, events });
  const sessions = createSessionsService({
    db,
    clock,
    tokens: createAccessTokens({ keys, clock, issuer: config.publicUrl }),
    state,
    config: {
      idleTtlSeconds: config.sessionIdleTtlSeconds,
      absoluteTtlSeconds: config.sessionAbsoluteTtlSeconds,
    },
  });
  const otp = createOtpService({ clock, codeKey: hmacSha256(config.secrets[0]!, 'roster/otp-code-key') });
  const policy = {
    requireEmailVerification: config.requireEmailVerification,
    publicUrl: config.publicUrl,
    passwordMinLength: config.passwordMinLength,
    phoneDefaultRegion: config.phoneDefaultRegion,
    unverifiedTtlSeconds: config.unverifiedTtlSeconds,
  };
  // Hooks are read at each sign-in, so the MFA hook can join once MFA exists.
  const postLoginHooks: PostLoginHook[] = [...(overrides.postLoginHooks ?? [])];
  const credentials = createCredentialsService({
    db,
    clock,
    hasher,
    otp,
    sessions,
    mail,
    guard,
    postLoginHooks,
    deviceKey: hmacSha256(config.secrets[0]!, 'roster/device-cookie-key'),
    security: () => securityChanges,
    config: policy,
  });
  const invites = createInvitesService({
    db,
    guard,
    codeKey: hmacSha256(config.secrets[0]!, 'roster/invite-code-key'),
    encrypter,
    dialect: database.dialect,
    clock,
    config: { inviteOnly: config.inviteOnly, inviteQuota: config.inviteQuota },
    hooks,
  });
  const accounts = createAccountsService({
    db,
    dialect: database.dialect,
    admission: invites,
    clock,
    hasher,
    verifyPassword: credentials.verifyUserPassword,
    users,
    reauth: () => reauth,
    otp,
    sessions,
    mail,
    guard,
    config: policy,
  });

  const securityChanges = createSecurityChanges({
    db,
    clock,
    mail,
    sms,
    guard,
    publicUrl: config.publicUrl,
    revokeAllSessionsIn: (trx, userId, reason) => sessions.revokeUserSessionsIn(trx, userId, reason),
  });
  const reauth = createReauthenticator({
    clock,
    maxAgeSeconds: config.reauthMaxAgeSeconds,
    hasPassword: (userId) => credentials.hasPassword(userId),
    verifyPassword: (user, password, ip) => credentials.verifyUserPassword(user, password, ip),
    verifyFactorCode: (user, code, before) => mfa.verifyFactorCode(user, code, before),
    confirmOwnNumber: (user, input, context) => phone.confirmOwnNumber(user, input, context),
  });
  const mfa = createMfaService({
    db,
    clock,
    encrypter,
    otp,
    mail,
    guard,
    reauth: () => reauth,
    security: securityChanges,
    recoveryKey: hmacSha256(config.secrets[0]!, 'roster/recovery-code-key'),
    issuer: 'Roster',
    openSession: credentials.openSession,
  });
  postLoginHooks.push(mfa.loginHook);
  const phone = createPhoneService({
    db,
    clock,
    otp,
    sms,
    guard,
    signIn: credentials.signIn,
    reauth: () => reauth,
    security: securityChanges,
    revokeOtherSessions: (trx, userId, keep) =>
      sessions.revokeUserSessionsIn(trx, userId, 'phone_changed', keep),
    admission: invites,
    config: { defaultRegion: config.phoneDefaultRegion, appName: 'Roster' },
  });
  const operator = createOperatorService({
    users,
    admission: invites,
    db,
    clock,
    hasher,
    sessions,
    accounts,
    passwordMinLength: config.passwordMinLength,
  });

  const apiKeys = createApiKeys({ db, clock });
  const profiles = createProfilesService({
    db,
    dialect: database.dialect,
    clock,
    isHidden: (viewerId, targetId) => social.isHidden(viewerId, targetId),
    customFields: loadCustomFields(config.profileSchemaPath),
    guard,
    hooks,
  });
  const social = createSocialService({ db, dialect: database.dialect, clock, profiles, guard, hooks });
  const directory = createDirectoryService({
    db,
    dialect: database.dialect,
    profiles,
    // Blocks, either way round, hide users from each other's searches.
    visibility: [visibleTo],
    guard,
    hooks,
  });

  // What each module keeps of an account follows its lifecycle, in dependency order
  // (invites, profiles, social and directory register their own handlers).
  const erased = (forget: (trx: Executor, userId: string) => Promise<unknown>) =>
    hooks.on('accountErased', async (trx, e) => {
      await forget(trx, e.userId);
    });
  erased(deleteCredentials);
  erased(sessions.forgetUser);
  erased(otp.forgetUser);
  erased(mfa.forgetUser);
  erased(securityChanges.forgetUser);
  erased(phone.forgetUser);

  return {
    accounts,
    directory,
    social,
    invites,
    securityChanges,
    apiKeys,
    profiles,
    mfa,
    phone,
    operator,
    credentials,
    sessions,
    keys,
    otp,
    hasher,
    /** Background parts: session-revocation subscription, signing key, outbox worker. */
    async start(): Promise<void> {
      await state.start();
      // Loads the signing keys (generating the first on a fresh database) and
      // starts their periodic reload. A changed ROSTER_SECRET stops start-up
      // with a message saying so; a database that is down does not: /readyz
      // reports it, and the reload task loads the keys when it answers.
      await keys.start().catch((err: unknown) => {
        if (err instanceof SigningKeyError) throw err;
        logger.warn({ err }, 'signing keys not loaded yet');
      });
      // The dummy hash that unknown accounts are verified against is made now,
      // so the first such sign-in costs no more than any other.
      await hasher.verifyDummy('warm-up');
      worker.start();
      stopPurge = clock.every(PURGE_EVERY_MS, async () => {
        try {
          const purged = await accounts.purgeUnverified();
          if (purged > 0) logger.info({ purged }, 'unverified sign-ups purged');
        } catch (err) {
          logger.warn({ err }, 'unverified sign-ups not purged');
        }
      });
    },
    async stop(): Promise<void> {
      keys.stop();
      stopPurge?.();
      await worker.stop();
      await state.stop();
      await events.close();
      await mailer.close?.();
      if (redis) {
        // quit() waits for a reply a dead Redis never sends.
        if (redis.status === 'ready') await redis.quit();
        else redis.disconnect();
      }
    },
  };
}

export type Identity = ReturnType<typeof createIdentity>;
