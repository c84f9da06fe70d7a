// The HTTP root: builds the Fastify app, composes the service (compose.ts) and
// registers each face: the native routes of every module, then the seed
// compatibility surfaces ROSTER_COMPAT turns on (src/compat). It never
// listens; src/server.ts does.
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { enabledSurfaces, mountSurface } from './compat/index.ts';
import { compose, type Overrides } from './compose.ts';
import type { Config } from './config/load-config.ts';
import type { App } from './http/app-types.ts';
import { createAuthenticator } from './http/authenticate.ts';
import { deferredCompiles } from './http/deferred-compile.ts';
import { frameworkErrors, registerErrorHandling } from './http/error-handler.ts';
import { healthRoutes } from './http/health.routes.ts';
import { registerMetrics } from './http/metrics.ts';
import { registerOpenApi } from './http/openapi.ts';
import { REQUEST_ID_HEADER, requestId } from './http/request-id.ts';
import { registerRequestLog } from './http/request-log.ts';
import { deferredRequestLogger } from './http/request-logger.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import { registerTextRule } from './http/text-rule.ts';
import { registerUtf8Rule } from './http/utf8.ts';
import { validatorCompiler } from './http/validation.ts';
import { accountsRoutes } from './modules/accounts/accounts.routes.ts';
import { standingRoutes } from './modules/accounts/standing.routes.ts';
import { usersRoutes } from './modules/accounts/users.routes.ts';
import { achievementsRoutes } from './modules/achievements/achievements.routes.ts';
import { activityRoutes } from './modules/activity/activity.routes.ts';
import { credentialsRoutes } from './modules/credentials/credentials.routes.ts';
import { directoryRoutes } from './modules/directory/directory.routes.ts';
import { invitesRoutes } from './modules/invites/invites.routes.ts';
import { mediaRoutes } from './modules/media/media.routes.ts';
import { mediaServingRoutes } from './modules/media/media-serving.routes.ts';
import { mfaRoutes } from './modules/mfa/mfa.routes.ts';
import { oauthRoutes } from './modules/oauth/oauth.routes.ts';
import { oauthClientsRoutes } from './modules/oauth/oauth-clients.routes.ts';
import { phoneRoutes } from './modules/phone/phone.routes.ts';
import { profilesRoutes } from './modules/profiles/profiles.routes.ts';
import { reportsRoutes } from './modules/reports/reports.routes.ts';
import { securityChangesRoutes } from './modules/security-changes/security-changes.routes.ts';
import { sessionsRoutes } from './modules/sessions/sessions.routes.ts';
import { socialRoutes } from './modules/social/social.routes.ts';
import { type Clock, systemClock } from './platform/clock.ts';
import type { Database } from './platform/db/database.ts';
import { loggerOptions } from './platform/logger.ts';
import { createRequestTime } from './platform/request-time.ts';
import { accountPagesRoutes } from './web/account-pages.routes.ts';
import { interactionRoutes } from './web/interaction.routes.ts';
import { providerPages } from './web/provider-pages.ts';

export interface AppDeps {
  readonly config: Config;
  readonly database: Database;
  readonly clock?: Clock;
  /** A ready logger (tests capture lines with one); otherwise one is made from config. */
  readonly logger?: FastifyBaseLogger;
  /** Replacements for platform parts (tests: a manual clock's rate limiter, a cheaper hasher). */
  readonly overrides?: Overrides;
}

const BODY_LIMIT = 1024 * 1024; // 1 MiB
/** Probes and scrapes arrive every few seconds; logging each would drown the log. */
const UNLOGGED_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);

export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, database } = deps;
  const surfaces = enabledSurfaces(config);
  const compiles = deferredCompiles();
  const app: App = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: loggerOptions(config.logLevel) }),
    genReqId: requestId,
    childLoggerFactory: deferredRequestLogger,
    // Requests are logged by registerRequestLog: one line each, not Fastify's two.
    logController: new LogController({ requestIdLogLabel: 'reqId', disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    schemaController: { compilersFactory: { buildSerializer: compiles.serializerFactory } },
    trustProxy: config.trustProxy ? [...config.trustProxy] : false,
    // On close, idle keep-alive sockets are closed at once; busy ones finish their request.
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
    frameworkErrors: frameworkErrors(surfaces.map((s) => ({ prefix: s.prefix, send: s.send }))),
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerRequestLog(app, UNLOGGED_PATHS);
  app.setValidatorCompiler(validatorCompiler(compiles));
  app.decorate('compileSchemas', compiles.compileAll);
  registerUtf8Rule(app);
  registerTextRule(app);
  registerErrorHandling(app);
  let draining = false;
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    // Requests still in flight when shutdown starts are answered, and their
    // keep-alive connections closed after that answer, so the server can stop.
    if (draining) reply.header('connection', 'close');
    done(null, payload);
  });
  await registerSecurityHeaders(app, { https: config.publicUrl.startsWith('https://') });
  if (config.corsOrigins.length > 0) {
    const any = config.corsOrigins.includes('*');
    await app.register(cors, {
      origin: any ? '*' : [...config.corsOrigins],
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      exposedHeaders: [REQUEST_ID_HEADER, 'retry-after'],
      maxAge: 600,
    });
  }
  // Cookies (the device cookie of sign-in): HttpOnly, SameSite=Lax, Secure outside development.
  await app.register(cookie, {
    parseOptions: { httpOnly: true, sameSite: 'lax', secure: config.env !== 'development' },
  });
  await registerOpenApi(
    app,
    config.publicUrl,
    surfaces.map((s) => s.tag),
  );
  const metrics = registerMetrics(app, config);

  app.addHook('preClose', async () => {
    draining = true;
  });
  healthRoutes(app, { ping: () => database.ping(), isDraining: () => draining, metrics });

  // Only in development, when the operator turned it on, may a request set its own time (x-dev-time).
  const requestTime = config.devTimeHeader ? createRequestTime(deps.clock ?? systemClock) : null;
  const clock = requestTime?.clock ?? deps.clock ?? systemClock;
  const roster = compose(config, database, clock, app.log, deps.overrides);
  app.addHook('onReady', () => roster.start());
  app.addHook('onClose', () => roster.stop());
  const auth = createAuthenticator(roster);
  app.decorateRequest('principal', null);
  app.decorateRequest('service', null);
  accountsRoutes(app, { accounts: roster.accounts, auth });
  credentialsRoutes(app, { credentials: roster.credentials, auth });
  sessionsRoutes(app, { ...roster, auth });
  mfaRoutes(app, { mfa: roster.mfa, auth });
  phoneRoutes(app, { phone: roster.phone, auth });
  usersRoutes(app, { ...roster, auth });
  standingRoutes(app, { standing: roster.standing, auth });
  oauthClientsRoutes(app, { oauthClients: roster.oauthClients, auth });
  // The OpenID provider (/oauth, discovery) and its hosted pages.
  roster.setOAuthPages(providerPages);
  oauthRoutes(app, { oauth: roster.oauth, auth, authenticateToken: (t) => roster.sessions.authenticate(t) });
  const secureCookies = config.env !== 'development' && config.publicUrl.startsWith('https://');
  interactionRoutes(app, {
    oauth: roster.oauth,
    credentials: roster.credentials,
    mfa: roster.mfa,
    phone: roster.phone,
    browser: roster.browser,
    secureCookies,
    sessionTtlSeconds: config.sessionAbsoluteTtlSeconds,
  });
  accountPagesRoutes(app, {
    accounts: roster.accounts,
    credentials: roster.credentials,
    secureCookies,
    passwordMinLength: config.passwordMinLength,
  });
  profilesRoutes(app, { profiles: roster.profiles, auth });
  directoryRoutes(app, { directory: roster.directory, auth });
  socialRoutes(app, { social: roster.social, auth });
  invitesRoutes(app, { invites: roster.invites, auth });
  securityChangesRoutes(app, { securityChanges: roster.securityChanges });
  reportsRoutes(app, { reports: roster.reports, auth });
  activityRoutes(app, { activity: roster.activity, auth });
  achievementsRoutes(app, { achievements: roster.achievements, auth });
  const { avatars, uploads, mediaObjects } = roster;
  mediaRoutes(app, { avatars, uploads, mediaObjects, auth, maxBytes: config.media.avatarMaxBytes });
  mediaServingRoutes(app, {
    uploads,
    mediaObjects,
    clock,
    acceptsUploads: config.storage.kind === 'fs',
  });
  // The seed surfaces, each in its own scope with its own envelope and errors.
  for (const surface of surfaces) mountSurface(app, surface, { roster, auth, config, requestTime });

  return app;
}
