// The OpenID provider as the composition root builds it: the client registry,
// the provider's storage, the provider itself (remade when the signing keys
// change), and what the faces call: the interactions the hosted pages drive,
// introspection and userinfo for Roster's own tokens, the user's authorised
// apps. A grant is a session of the user's (sessions.openGrant), so it ends
// with every way a session ends; erasure deletes the provider's records.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { UserPrincipal } from '../../platform/auth/principal.ts';
import { inTransaction } from '../../platform/db/executor.ts';
import type { Platform } from '../../platform/platform.ts';
import { type RequestContext, SYSTEM_CONTEXT } from '../../platform/request-context.ts';
import type { OwnerView } from '../profiles/index.ts';
import type { BrowserSession, createSessionsModule } from '../sessions/index.ts';
import { findUserById } from '../users/index.ts';
import { type Claims, claimsFor } from './claims.ts';
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

/** What a pending interaction asks for, for the hosted pages. */
export interface InteractionView {
  readonly uid: string;
  readonly prompt: 'login' | 'consent';
  readonly clientId: string;
  readonly clientName: string;
  /** The scopes the consent page lists: not yet granted, or all asked for when the user must be asked again. */
  readonly scopes: readonly string[];
  /** The account the provider's session is signed in as (consent). */
  readonly accountId: string | null;
  /** How the consent page names that account to its owner: the address, else the username or number. */
  readonly accountName: string | null;
  /**
   * Sign-in: whether a live Roster session of the browser may answer it.
   * Not when the client wants a fresh sign-in (`prompt=login`, a `max_age`
   * the session is older than) or names a user (`id_token_hint`, a `sub`
   * claim), whom the page's sign-in must then prove.
   */
  readonly reuseSession: boolean;
  /**
   * Consent: whether the user is asked. Not for a first-party client, nor
   * when every scope is granted already, unless the client asks again
   * (`prompt=consent`) or is a native app, whose redirect URI any app on the
   * device may claim (RFC 8252 §8.6).
   */
  readonly askConsent: boolean;
}

/** The login prompt's reasons a live Roster session answers: there was no provider session, or it ended. */
const SESSION_ANSWERS = new Set(['no_session', 'roster_session_ended']);
/** The consent prompt's reasons that ask the user even for scopes granted before. */
const ASK_AGAIN = new Set(['consent_prompt', 'native_client_prompt']);

type PromptDetails = { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };

/** The scopes a consent prompt finds not yet granted, OpenID and API ones together. */
const missingScopes = (details: unknown): string[] => {
  const missing = details as PromptDetails;
  return [
    ...new Set([
      ...(missing.missingOIDCScope ?? []),
      ...Object.values(missing.missingResourceScopes ?? {}).flat(),
    ]),
  ];
};

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
    const provider = createProvider({
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

  type Req = IncomingMessage;
  type Res = ServerResponse;

  async function view(provider: Provider, req: Req, res: Res): Promise<InteractionView> {
    const details = await provider.interactionDetails(req, res);
    const clientId = String(details.params.client_id);
    const client = await clients.lookup(clientId);
    const prompt = details.prompt.name === 'login' ? 'login' : 'consent';
    const reasons = details.prompt.reasons;
    let scopes = missingScopes(details.prompt.details);
    const askAgain = reasons.some((r) => ASK_AGAIN.has(r));
    if (scopes.length === 0 && askAgain) {
      const allowed = new Set(client?.scopes ?? []);
      scopes = [...scopeSet(String(details.params.scope ?? ''))].filter((s) => allowed.has(s));
    }
    const accountId = details.session?.accountId ?? null;
    const user = prompt === 'consent' && accountId ? await findUserById(db, accountId) : undefined;
    return {
      uid: details.uid,
      prompt,
      clientId,
      clientName: client?.name ?? clientId,
      scopes,
      accountId,
      accountName: user ? (user.email ?? (user.username ? `@${user.username}` : user.phone)) : null,
      reuseSession: reasons.every((r) => SESSION_ANSWERS.has(r)),
      askConsent: !client?.firstParty && scopes.length > 0,
    };
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

    interactions: {
      /** What the pending interaction of this browser asks for (throws when there is none). */
      async details(req: Req, res: Res): Promise<InteractionView> {
        return view(await current(), req, res);
      },

      /** The sign-in is done: the provider's session follows the browser's Roster session. Returns where to go. */
      async signedIn(req: Req, res: Res, session: BrowserSession): Promise<string> {
        const provider = await current();
        return provider.interactionResult(
          req,
          res,
          {
            login: {
              accountId: session.userId,
              amr: [...session.amr],
              ts: Math.floor(new Date(session.authTime).getTime() / 1000),
              remember: false,
            },
          },
          { mergeWithLastSubmission: false },
        );
      },

      /**
       * The user agreed: the grant (a session standing for it, made now or
       * grown) gains the scopes asked for. Returns where to go.
       */
      async consented(req: Req, res: Res, session: BrowserSession, context: RequestContext): Promise<string> {
        const provider = await current();
        const details = await provider.interactionDetails(req, res);
        const clientId = String(details.params.client_id);
        if (details.session?.accountId !== session.userId)
          throw new Error('the consent is not the signed-in user’s'); // the page never offers it
        // The client may have been removed while its consent page was open: no grant for it.
        if (!(await clients.lookup(clientId)))
          throw Object.assign(new Error('the client is gone'), { name: 'SessionNotFound' });
        const missing = details.prompt.details as PromptDetails;
        let grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
        if (!grant) {
          const grantId = await inTransaction(db, (trx) =>
            sessions.openGrant(trx, {
              userId: session.userId,
              clientId,
              scope: '',
              amr: session.amr,
              authTime: session.authTime,
              expiresAt: new Date(
                clock.now().getTime() + config.sessionAbsoluteTtlSeconds * 1000,
              ).toISOString(),
              context,
            }),
          );
          grant = new provider.Grant({ jti: grantId, accountId: session.userId, clientId } as never);
        }
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
          grant.addResourceScope(resource, scopes.join(' '));
        const grantId = await grant.save();
        const granted = new Set([
          ...grant.getOIDCScope().split(' '),
          ...(grant.getResourceScope(issuer) ?? '').split(' '),
        ]);
        await sessions.setGrantScope(db, grantId, [...granted].filter(Boolean).join(' '));
        return provider.interactionResult(
          req,
          res,
          { consent: { grantId } },
          { mergeWithLastSubmission: true },
        );
      },

      /** The user said no, or the sign-in was abandoned: the client hears access_denied. */
      async denied(req: Req, res: Res, description: string): Promise<string> {
        const provider = await current();
        return provider.interactionResult(
          req,
          res,
          { error: 'access_denied', error_description: description },
          { mergeWithLastSubmission: false },
        );
      },
    },

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
