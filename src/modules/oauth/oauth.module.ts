// The OpenID provider as the composition root builds it: the client registry,
// the provider's storage, the provider itself (remade when the signing keys
// change), and what the faces call: the interactions the hosted pages drive,
// introspection and userinfo for Roster's own tokens, the user's authorised
// apps. A grant is a session of the user's (sessions.openGrant), so it ends
// with every way a session ends; erasure deletes the provider's records.
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { UserPrincipal } from '../../platform/auth/principal.ts';
import type { Platform } from '../../platform/platform.ts';
import { type RequestContext, SYSTEM_CONTEXT } from '../../platform/request-context.ts';
import type { OwnerView } from '../profiles/index.ts';
import type { createSessionsModule } from '../sessions/index.ts';
import { findUserById } from '../users/index.ts';
import { type Claims, claimsFor } from './claims.ts';
import { createInteractions } from './interactions.ts';
import { createOAuthClients } from './oauth-clients.service.ts';
import { createOAuthStore, STORE_PURGE_MS } from './oauth-store.ts';
import { clientMetadata, createProvider, OAUTH_ROUTES } from './provider.ts';

type SessionsModule = ReturnType<typeof createSessionsModule>;

export interface OAuthPages {
  error(ctx: KoaContextWithOIDC, error: { error: string; error_description?: string }): void;
  logout(ctx: KoaContextWithOIDC, form: string): void;
  loggedOut(ctx: KoaContextWithOIDC): void;
}

export interface OAuthModuleDeps {
  readonly sessionsModule: Pick<SessionsModule, 'sessions' | 'browser' | 'keys'>;
  readonly ownView: (userId: string) => Promise<OwnerView>;
  /** Set by the HTTP face before the first request (the provider's own pages). */
  readonly pages: () => OAuthPages;
}

const SCOPE_SET_CACHE = new Map<string, ReadonlySet<string>>();
const scopeSet = (scope: string) => {
  let set = SCOPE_SET_CACHE.get(scope);
  if (!set) {
    set = new Set(scope.split(' ').filter(Boolean));
    if (SCOPE_SET_CACHE.size > 1_000) SCOPE_SET_CACHE.clear();
    SCOPE_SET_CACHE.set(scope, set);
  }
  return set;
};

export function createOAuthModule(p: Platform, deps: OAuthModuleDeps) {
  const { db, clock, config, logger } = p;
  const { sessions, browser, keys } = deps.sessionsModule;
  const issuer = config.publicUrl;
  const clients = createOAuthClients({
    ...p,
    endGrants: (trx, clientId) => sessions.revokeClientGrantsIn(trx, clientId),
  });
  const store = createOAuthStore({
    db,
    clock,
    encrypter: p.encrypter,
    grants: {
      isLive: (grantId) => sessions.grantIsLive(grantId),
      end: (grantId) => sessions.endGrant(grantId, SYSTEM_CONTEXT),
    },
  });

  p.hooks.on('accountErased', (trx, e) => store.forgetAccount(trx, e.userId));

  async function claimsOf(userId: string, scopes: ReadonlySet<string>): Promise<Claims | null> {
    const user = await findUserById(db, userId);
    if (user?.status !== 'active') return null;
    return claimsFor(await deps.ownView(userId), scopes);
  }

  function adapter(model: string) {
    // Clients are the registry's; every other model is the store's.
    if (model !== 'Client') return store.adapterFor(model);
    const none = async () => undefined;
    return {
      ...store.adapterFor(model),
      upsert: none,
      destroy: none,
      async find(clientId: string) {
        const client = await clients.lookup(clientId);
        return client ? (clientMetadata(client) as Record<string, unknown>) : undefined;
      },
    };
  }

  let stopPurge: (() => void) | undefined;
  let built: { provider: Provider; version: string } | null = null;
  let building: Promise<Provider> | null = null;

  async function build(): Promise<Provider> {
    const { keys: jwks, version } = await keys.providerKeys();
    if (built?.version === version) return built.provider;
    const provider = await createProvider({
      issuer,
      adapter,
      jwks: { keys: jwks },
      cookieKeys: p.keys('oidc-cookie'),
      secureCookies: config.env !== 'development' && issuer.startsWith('https://'),
      // The forwarded headers the provider reads are Roster's own (oauth.routes.ts sets them from PUBLIC_URL).
      proxy: true,
      findAccount: async (_ctx, sub) => {
        const user = await findUserById(db, sub);
        if (user?.status !== 'active') return undefined;
        return {
          accountId: sub,
          claims: async (_use, scope) => (await claimsOf(sub, scopeSet(scope))) ?? { sub },
        };
      },
      verifySecret: (clientId, secret) => clients.verifySecret(clientId, secret),
      existingGrantId: async (accountId, clientId) =>
        (await sessions.listGrants(accountId)).find((g) => g.clientId === clientId)?.id,
      signedInAs: async (ctx) =>
        (await browser.signedIn(ctx.cookies.get(browser.cookieName)))?.userId ?? null,
      grantTtlSeconds: config.sessionAbsoluteTtlSeconds,
      refreshTtlSeconds: config.sessionAbsoluteTtlSeconds,
      pages: deps.pages(),
    });
    provider.on('server_error', (_ctx, err) => logger.warn({ err }, 'OpenID provider error'));
    // Signing out at the provider signs the browser out of Roster: otherwise
    // its Roster session would sign it straight back in.
    provider.use(async (ctx, next) => {
      await next();
      const confirmed =
        ctx.method === 'POST' &&
        ctx.path === `${OAUTH_ROUTES.end_session}/confirm` &&
        ctx.status >= 300 &&
        ctx.status < 400 &&
        Boolean(ctx.oidc?.params?.logout);
      if (!confirmed) return;
      // The provider signs its session out by itself before another account
      // signs in (then it goes back to the authorization): the Roster session
      // just opened for that account stays.
      const to = ctx.response.get('location');
      if (to && new URL(to, issuer).pathname.startsWith(`${OAUTH_ROUTES.authorization}/`)) return;
      const session = await browser.signedIn(ctx.cookies.get(browser.cookieName));
      if (session) {
        const ua = ctx.get('user-agent');
        await sessions.endBrowserSession(session.userId, session.sessionId, {
          ip: ctx.ip,
          userAgent: ua || null,
        });
      }
      ctx.cookies.set(browser.cookieName, null, { path: '/', signed: false });
    });
    built = { provider, version };
    return provider;
  }

  /** The provider for the current keys: remade once after a rotation (the keys reload in the background). */
  function current(): Promise<Provider> {
    building ??= build().finally(() => {
      building = null;
    });
    return building;
  }

  /** A refresh token (the only opaque token issued): the caller's own, unused, of a live grant. */
  async function introspectOpaque(callerId: string, token: string): Promise<Record<string, unknown>> {
    const provider = await current();
    const found = await provider.RefreshToken.find(token);
    if (!found?.isValid || found.clientId !== callerId) return { active: false };
    if (!found.grantId || !(await provider.Grant.find(found.grantId))) return { active: false };
    return {
      active: true,
      sub: found.accountId,
      client_id: found.clientId,
      scope: found.scope,
      exp: found.exp,
      iat: found.iat,
      iss: issuer,
      token_type: 'refresh_token',
      sid: found.grantId,
    };
  }

  return {
    clients,
    store,
    current,
    /** PUBLIC_URL: every URL the provider builds starts here, whatever the request's Host said. */
    issuer,

    interactions: createInteractions({ current, db, clock, config, clients, sessions, issuer }),

    /**
     * Introspection (RFC 7662) for the authenticated client `callerId`, of
     * Roster's JWT access tokens and of refresh tokens: another client's
     * token, an ended grant or a removed client reads `active: false`.
     */
    async introspect(callerId: string, token: string): Promise<Record<string, unknown>> {
      if (token.split('.').length !== 3) return introspectOpaque(callerId, token);
      const found = await sessions.inspectAccessToken(token);
      if (!found || found.claims.clientId !== callerId) return { active: false };
      if (!found.claims.sid && !(await clients.lookup(callerId))) return { active: false };
      const { claims } = found;
      return {
        active: true,
        sub: claims.sub,
        client_id: claims.clientId,
        scope: claims.scope,
        exp: claims.exp,
        iat: claims.iat,
        iss: issuer,
        aud: issuer,
        token_type: 'Bearer',
        ...(claims.jti ? { jti: claims.jti } : {}),
        ...(claims.sid ? { sid: claims.sid } : {}),
      };
    },

    /** Userinfo for an OAuth access token's principal: the claims its scopes cover, or null without `openid`. */
    async userinfo(principal: UserPrincipal): Promise<Claims | null> {
      const scopes = scopeSet(principal.scope);
      if (!principal.clientId || !scopes.has('openid')) return null;
      return claimsOf(principal.userId, scopes);
    },

    /** The user's authorised apps: each client with a live grant, and what it was granted. */
    async authorizations(userId: string) {
      const grants = await sessions.listGrants(userId);
      const byClient = new Map<string, { clientId: string; scopes: Set<string>; grantedAt: string }>();
      for (const g of grants) {
        const entry = byClient.get(g.clientId!) ?? {
          clientId: g.clientId!,
          scopes: new Set(),
          grantedAt: g.lastSeenAt,
        };
        for (const s of g.scope.split(' ').filter(Boolean)) entry.scopes.add(s);
        byClient.set(g.clientId!, entry);
      }
      return Promise.all(
        [...byClient.values()].map(async (e) => ({
          clientId: e.clientId,
          clientName: (await clients.lookup(e.clientId))?.name ?? e.clientId,
          scopes: [...e.scopes],
          grantedAt: e.grantedAt,
        })),
      );
    },

    /** Ends every grant of the user to the client: its tokens fail at once, refresh tokens too. */
    async revokeAuthorization(userId: string, clientId: string, context: RequestContext): Promise<boolean> {
      const ended = await sessions.revokeGrants({ userId, clientId }, 'authorization_revoked', context);
      return ended.length > 0;
    },

    start(): void {
      stopPurge ??= clock.every(STORE_PURGE_MS, async () => {
        await store.purgeExpired().catch((err: unknown) => logger.warn({ err }, 'OAuth records not purged'));
      });
    },
    stop(): void {
      stopPurge?.();
      stopPurge = undefined;
    },
  };
}

export type OAuthModule = ReturnType<typeof createOAuthModule>;
