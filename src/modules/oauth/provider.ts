// oidc-provider's configuration: Roster's policy over a certified protocol
// implementation. Authorization code with PKCE (S256, every client), refresh
// tokens (rotated; a reused one revokes the grant) when `offline_access` is
// granted, client credentials; no implicit flow, no password grant. Access
// tokens for Roster's own API are JWTs (RFC 9068) signed with the Ed25519 keys
// the native API verifies; ID tokens are RS256. Every endpoint is under
// /oauth, the issuer is PUBLIC_URL, discovery is PUBLIC_URL/.well-known/….
//
// oidc-provider reads the wall clock itself (Date.now) for the lifetimes it
// checks; the records it stores expire by Roster's clock (oauth-store.ts).
import type { JWK } from 'jose';
import type Provider from 'oidc-provider';
import type { ClientMetadata, Configuration, FindAccount, KoaContextWithOIDC } from 'oidc-provider';
// The native API's access-token lifetime: an OAuth client's tokens live as long.
import { ACCESS_TOKEN_TTL_SECONDS } from '../sessions/index.ts';
import { oidcLibrary } from './library.ts';
import { API_SCOPES, OAUTH_SCOPES } from './oauth-scopes.ts';
import type { OAuthAdapter } from './oauth-store.ts';

/** Every provider endpoint, as published in discovery. */
export const OAUTH_ROUTES = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  jwks: '/oauth/jwks',
  userinfo: '/oauth/userinfo',
  introspection: '/oauth/introspect',
  revocation: '/oauth/revoke',
  end_session: '/oauth/logout',
  pushed_authorization_request: '/oauth/par',
  registration: '/oauth/register',
  code_verification: '/oauth/device',
  device_authorization: '/oauth/device/auth',
  backchannel_authentication: '/oauth/backchannel',
  challenge: '/oauth/challenge',
} as const;

/** Where the hosted pages of an interaction (sign-in, consent) live. */
export const interactionPath = (uid: string) => `/oauth/interaction/${uid}`;

const AUTHORIZATION_CODE_TTL_SECONDS = 60;
const ID_TOKEN_TTL_SECONDS = 60 * 60;
const INTERACTION_TTL_SECONDS = 30 * 60;
/** The access-token algorithm of the native API (Ed25519), so one verifier reads both. */
const API_TOKEN_ALG = 'EdDSA' as const;

/** The claims each OpenID scope selects (the values come from the domain's owner view). */
export const SCOPE_CLAIMS = {
  // With the subject, when and how the user signed in: a client can tell a
  // second factor was asked (amr) and enforce its own max age (auth_time).
  openid: ['sub', 'auth_time', 'amr'],
  profile: [
    'name',
    'given_name',
    'family_name',
    'preferred_username',
    'picture',
    'locale',
    'zoneinfo',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
} as const;

export interface ProviderDeps {
  readonly issuer: string;
  readonly adapter: (model: string) => OAuthAdapter;
  readonly jwks: { keys: JWK[] };
  /** Cookie signing keys, newest first (each ROSTER_SECRET's): older ones still verify. */
  readonly cookieKeys: string[];
  readonly secureCookies: boolean;
  /** Behind a proxy that sets X-Forwarded-* (TRUST_PROXY). */
  readonly proxy: boolean;
  readonly findAccount: FindAccount;
  /** Checks a confidential client's secret against its stored hash. */
  readonly verifySecret: (clientId: string, secret: string) => Promise<boolean>;
  /** The user's live grant to the client, if any: consent is remembered across browsers. */
  readonly existingGrantId: (accountId: string, clientId: string) => Promise<string | undefined>;
  /** Whether the browser still holds the live Roster session the provider's session was made from. */
  readonly signedInAs: (ctx: KoaContextWithOIDC) => Promise<string | null>;
  readonly grantTtlSeconds: number;
  readonly refreshTtlSeconds: number;
  /** Pages for errors that cannot go back to the client, and for logout. */
  readonly pages: {
    error(ctx: KoaContextWithOIDC, error: { error: string; error_description?: string }): void;
    logout(ctx: KoaContextWithOIDC, form: string): void;
    loggedOut(ctx: KoaContextWithOIDC): void;
  };
}

/** The resource server Roster's own API is: every API scope, and the OIDC ones for userinfo. */
function rosterApi(issuer: string) {
  return {
    scope: [...OAUTH_SCOPES].filter((s) => s !== 'offline_access').join(' '),
    audience: issuer,
    accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
    accessTokenFormat: 'jwt' as const,
    jwt: { sign: { alg: API_TOKEN_ALG } },
  };
}

/**
 * The login prompt asks again when the browser's Roster session ended (signed
 * out, revoked, banned) or is another user's: the provider's own session only
 * mirrors the Roster one.
 */
function policy(deps: ProviderDeps, { interactionPolicy }: Awaited<ReturnType<typeof oidcLibrary>>) {
  const { Check, base } = interactionPolicy;
  const prompts = base();
  const login = prompts.get('login')!;
  login.checks.add(
    new Check('roster_session_ended', 'the Roster session ended', async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId) return Check.NO_NEED_TO_PROMPT; // the base checks ask already
      return (await deps.signedInAs(ctx)) === accountId ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  return prompts;
}

export async function createProvider(deps: ProviderDeps): Promise<Provider> {
  const library = await oidcLibrary();
  const { default: Provider, errors } = library;
  const { issuer } = deps;
  const cookie = { httpOnly: true, sameSite: 'lax' as const, secure: deps.secureCookies };
  const configuration: Configuration = {
    adapter: deps.adapter as unknown as Configuration['adapter'],
    clients: [],
    jwks: deps.jwks as Configuration['jwks'],
    findAccount: deps.findAccount,
    claims: SCOPE_CLAIMS as unknown as Configuration['claims'],
    scopes: [...OAUTH_SCOPES],
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      id_token_signed_response_alg: 'RS256',
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    enabledJWA: {
      idTokenSigningAlgValues: ['RS256', 'EdDSA'],
      userinfoSigningAlgValues: ['RS256', 'EdDSA'],
      introspectionSigningAlgValues: ['RS256', 'EdDSA'],
      authorizationSigningAlgValues: ['RS256', 'EdDSA'],
    },
    extraClientMetadata: { properties: ['firstParty'] },
    cookies: {
      keys: deps.cookieKeys,
      names: {
        session: 'roster_op_session',
        interaction: 'roster_interaction',
        resume: 'roster_interaction_resume',
      },
      long: cookie,
      short: cookie,
    },
    routes: OAUTH_ROUTES,
    interactions: {
      url: (_ctx, interaction) => interactionPath(interaction.uid),
      policy: policy(deps, library),
    },
    features: {
      devInteractions: { enabled: false },
      // Roster's API does not check DPoP proofs, so it issues no sender-bound
      // token a client would trust as one (RFC 9449 §7.1).
      dPoP: { enabled: false },
      // Roster answers /oauth/introspect itself; the provider's own answer
      // (reachable by another spelling of the path) is a client's own tokens only.
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) =>
          token.clientId === client.clientId,
      },
      // A client revokes only its own tokens (RFC 7009 §2.1).
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) =>
          token.clientId === client.clientId,
      },
      userinfo: { enabled: true },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx: KoaContextWithOIDC, form: string) => deps.pages.logout(ctx, form),
        postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => deps.pages.loggedOut(ctx),
      },
      resourceIndicators: {
        enabled: true,
        // No resource named, or Roster's own: a JWT for Roster's API.
        defaultResource: () => issuer,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          if (resource !== issuer) throw new errors.InvalidTarget('resource is not served by Roster');
          return rosterApi(issuer);
        },
      },
      // (The published types lag the library's 9.13 features.)
    } as unknown as Configuration['features'],
    // Tokens carry the grant (the session standing for it), so the native API
    // and introspection can refuse them the moment the grant ends.
    extraTokenClaims: (_ctx, token) => {
      const grantId = (token as { grantId?: string }).grantId;
      return grantId ? { sid: grantId } : undefined;
    },
    loadExistingGrant: async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return undefined;
      const grantId =
        (ctx.oidc.result?.consent as { grantId?: string } | undefined)?.grantId ??
        ctx.oidc.session?.grantIdFor(clientId) ??
        (await deps.existingGrantId(accountId, clientId));
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    issueRefreshToken: async (_ctx, client, code) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      ClientCredentials: ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: AUTHORIZATION_CODE_TTL_SECONDS,
      IdToken: ID_TOKEN_TTL_SECONDS,
      Interaction: INTERACTION_TTL_SECONDS,
      Session: deps.grantTtlSeconds,
      Grant: deps.grantTtlSeconds,
      RefreshToken: deps.refreshTtlSeconds,
    },
    renderError: (ctx, out) => deps.pages.error(ctx, out as { error: string; error_description?: string }),
  };
  const provider = new Provider(issuer, configuration);
  provider.proxy = deps.proxy;

  // Secrets are stored hashed: the client's check is the registry's.
  const { Client } = provider;
  Client.prototype.compareClientSecret = function compareClientSecret(this: { clientId: string }, actual) {
    return deps.verifySecret(this.clientId, actual);
  } as typeof Client.prototype.compareClientSecret;
  // Redirect URIs match as exact strings, for every kind of client: no
  // loopback port variation (RFC 8252 allows it; Roster does not).
  Client.prototype.redirectUriAllowed = function redirectUriAllowed(this: { redirectUris: string[] }, value) {
    return this.redirectUris.includes(value);
  };
  Client.prototype.postLogoutRedirectUriAllowed = function postLogoutRedirectUriAllowed(
    this: { postLogoutRedirectUris?: string[] },
    value,
  ) {
    return (this.postLogoutRedirectUris ?? []).includes(value);
  };
  return provider;
}

/** A registered client as oidc-provider reads it. */
export function clientMetadata(client: {
  clientId: string;
  name: string;
  public: boolean;
  redirectUris: readonly string[];
  postLogoutRedirectUris: readonly string[];
  scopes: readonly string[];
  firstParty: boolean;
  secretHash: string | null;
}): ClientMetadata {
  // A private-use scheme (com.example.app:/cb) is a native app's.
  const native = client.redirectUris.some((u) => !/^https?:/.test(u));
  const apiScopes = client.scopes.filter((s) => (API_SCOPES as readonly string[]).includes(s));
  return {
    client_id: client.clientId,
    client_name: client.name,
    application_type: native ? 'native' : 'web',
    redirect_uris: [...client.redirectUris],
    post_logout_redirect_uris: [...client.postLogoutRedirectUris],
    response_types: ['code'],
    grant_types: [
      'authorization_code',
      'refresh_token',
      // A confidential client may act for itself, with its API scopes.
      ...(client.public || apiScopes.length === 0 ? [] : ['client_credentials']),
    ],
    scope: client.scopes.join(' '),
    token_endpoint_auth_method: client.public ? 'none' : 'client_secret_basic',
    // Never sent anywhere: the check is compareClientSecret's, against this hash.
    ...(client.secretHash ? { client_secret: client.secretHash } : {}),
    firstParty: client.firstParty,
  };
}
