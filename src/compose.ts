// The one composition root: the platform adapters, then each module's factory
// in dependency order. No rule lives here. Where two modules ask each other
// (re-authentication asks MFA and phone, which ask it back; profiles asks the
// social graph about blocks), one side is reached through a function called
// at request time, after everything is made. The server (app.ts) and the CLI
// compose the same graph; connections open on first use, so a CLI command
// costs only what it touches.
import type { Config } from './config/load-config.ts';
import { createAccountsModule } from './modules/accounts/index.ts';
import { createAchievementsService } from './modules/achievements/index.ts';
import { createActivityService } from './modules/activity/index.ts';
import { createCredentialsService, createReauthenticator } from './modules/credentials/index.ts';
import { createDirectoryService } from './modules/directory/index.ts';
import { broughtInBy, createInvitesService } from './modules/invites/index.ts';
import { createMediaModule, type FaceDetector } from './modules/media/index.ts';
import { createMfaService } from './modules/mfa/index.ts';
import { createOAuthModule, type OAuthPages } from './modules/oauth/index.ts';
import { createOtpService } from './modules/otp/index.ts';
import { createPhoneService } from './modules/phone/index.ts';
import { createProfilesService, loadCustomFields } from './modules/profiles/index.ts';
import { createReportsService } from './modules/reports/index.ts';
import { createSecurityChanges } from './modules/security-changes/index.ts';
import { createSessionsModule, type PostLoginHook } from './modules/sessions/index.ts';
import { createSocialService, hiddenFrom, visibleTo } from './modules/social/index.ts';
import { createUsersService } from './modules/users/index.ts';
import type { Clock } from './platform/clock.ts';
import type { Database } from './platform/db/database.ts';
import { createPlatform, type PlatformLogger, type PlatformOverrides } from './platform/platform.ts';

export interface Overrides extends PlatformOverrides {
  /** Extra steps after a first factor (tests); MFA's step is always there. */
  readonly postLoginHooks?: readonly PostLoginHook[];
  /** Face detection for avatars (tests); the packaged model otherwise, loaded on first use. */
  readonly faceDetector?: FaceDetector;
}

/** The OpenID provider's own pages (errors, logout), given by the HTTP face that serves them. */
const noPages: OAuthPages = {
  error(ctx, error) {
    ctx.type = 'text/plain';
    ctx.body = error.error;
  },
  logout(ctx, form) {
    ctx.type = 'html';
    ctx.body = form;
  },
  loggedOut(ctx) {
    ctx.type = 'text/plain';
    ctx.body = 'Signed out.';
  },
};

export function compose(
  config: Config,
  database: Database,
  clock: Clock,
  logger: PlatformLogger,
  overrides: Overrides = {},
) {
  const p = createPlatform(config, database, clock, logger, overrides);
  const { hooks } = p;

  const users = createUsersService({
    hooks,
    dialect: p.dialect,
    defaultAccountType: config.standing.defaultAccountType,
  });
  const sessionsModule = createSessionsModule(p);
  const { sessions } = sessionsModule;
  const otp = createOtpService({ clock, hooks, codeKey: p.key('otp-code') });
  const invites = createInvitesService({
    ...p,
    users,
    codeKey: p.key('invite-code'),
    config: { inviteOnly: config.inviteOnly, inviteQuota: config.inviteQuota },
  });
  const securityChanges = createSecurityChanges({
    ...p,
    publicUrl: config.publicUrl,
    revokeAllSessionsIn: (trx, userId, reason) => sessions.revokeUserSessionsIn(trx, userId, reason),
  });
  // Read at each sign-in; MFA adds its step when it is made.
  const postLoginHooks: PostLoginHook[] = [...(overrides.postLoginHooks ?? [])];
  const credentials = createCredentialsService({
    ...p,
    users,
    otp,
    sessions,
    postLoginHooks,
    deviceKey: p.key('device-cookie'),
    security: () => securityChanges,
    config: {
      requireEmailVerification: config.requireEmailVerification,
      publicUrl: config.publicUrl,
      passwordMinLength: config.passwordMinLength,
    },
  });
  p.handleJobs('password_reset', (payload, context) => credentials.sendPasswordReset(payload, context));
  const reauth = createReauthenticator({
    clock,
    maxAgeSeconds: config.reauthMaxAgeSeconds,
    hasPassword: (userId) => credentials.hasPassword(userId),
    verifyPassword: (user, password, ip) => credentials.verifyUserPassword(user, password, ip),
    verifyFactorCode: (user, code, before) => mfa.verifyFactorCode(user, code, before),
    confirmOwnNumber: (user, input, context) => phone.confirmOwnNumber(user, input, context),
  });
  const mfa = createMfaService({
    ...p,
    otp,
    reauth: () => reauth,
    security: securityChanges,
    recoveryKey: p.key('recovery-code'),
    issuer: 'Roster',
    openSession: credentials.openSession,
    postLoginHooks,
  });
  const phone = createPhoneService({
    ...p,
    users,
    otp,
    signIn: credentials.signIn,
    reauth: () => reauth,
    security: securityChanges,
    revokeOtherSessions: (trx, userId, keep) =>
      sessions.revokeUserSessionsIn(trx, userId, 'phone_changed', keep),
    admission: invites,
    config: { defaultRegion: config.phoneDefaultRegion, appName: 'Roster' },
  });
  const accountsModule = createAccountsModule(p, {
    users,
    invites,
    otp,
    sessions,
    verifyPassword: credentials.verifyUserPassword,
    reauth: () => reauth,
    signupPhoto: () => mediaModule.uploads,
  });
  const profiles = createProfilesService({
    ...p,
    users,
    phoneDefaultRegion: config.phoneDefaultRegion,
    isHidden: (viewerId, targetId) => social.isHidden(viewerId, targetId),
    customFields: loadCustomFields(config.profileSchemaPath),
    editableFields: config.profileEditableFields,
    avatarUrl: p.mediaUrl,
    presence: (ids) => sessionsModule.presence.of(ids),
  });
  const achievements = createAchievementsService({
    ...p,
    invites,
    profiles,
    types: config.standing.achievements,
  });
  const reports = createReportsService(p);
  const activity = createActivityService({ ...p, config: { selfReport: config.activitySelfReport } });
  const mediaModule = createMediaModule(p, {
    profiles,
    ...(overrides.faceDetector ? { faceDetector: overrides.faceDetector } : {}),
  });
  const social = createSocialService({ ...p, users, profiles });
  // Blocks, either way round, hide users from each other's searches.
  const directory = createDirectoryService({
    ...p,
    profiles,
    visibility: [visibleTo],
    ownedBy: broughtInBy,
    hiddenFrom,
    standing: config.standing,
  });

  let oauthPages = noPages;
  const oauth = createOAuthModule(p, {
    sessionsModule,
    ownView: (userId) => profiles.ownView(userId),
    pages: () => oauthPages,
  });

  return {
    ...accountsModule,
    oauth,
    oauthClients: oauth.clients,
    /** The HTTP face's pages for the provider's errors and logout; before the first request. */
    setOAuthPages(pages: OAuthPages): void {
      oauthPages = pages;
    },
    ...sessionsModule,
    avatars: mediaModule.avatars,
    uploads: mediaModule.uploads,
    mediaObjects: mediaModule.mediaObjects,
    reports,
    activity,
    achievements,
    users,
    directory,
    social,
    invites,
    securityChanges,
    profiles,
    mfa,
    phone,
    credentials,
    otp,
    hasher: p.hasher,
    /** Background work: revocation subscription, signing keys, the outbox worker, the purge, the media sweep. */
    async start(): Promise<void> {
      await sessionsModule.start();
      await profiles.start();
      // The dummy hash that unknown accounts are verified against is made now,
      // so the first such sign-in costs no more than any other.
      await p.hasher.verifyDummy('warm-up');
      p.startWorker();
      accountsModule.start();
      mediaModule.start();
      oauth.start();
    },
    async stop(): Promise<void> {
      accountsModule.stop();
      oauth.stop();
      mediaModule.stopSweep();
      await sessionsModule.stop();
      await profiles.stop();
      await p.stop();
      await mediaModule.close();
    },
  };
}

export type Roster = ReturnType<typeof compose>;
