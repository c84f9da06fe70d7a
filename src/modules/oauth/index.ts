// The OAuth module's entry: what other modules and faces may use of it.

export { type Claims, claimsFor } from './claims.ts';
export type { InteractionView } from './interactions.ts';
export { createOAuthModule, type OAuthModule, type OAuthPages } from './oauth.module.ts';
export {
  CLIENT_ID_PREFIX,
  CLIENT_SECRET_PREFIX,
  createOAuthClients,
  type NewOAuthClient,
  type OAuthClient,
  type OAuthClients,
} from './oauth-clients.service.ts';
export { API_SCOPES, OAUTH_SCOPES, OIDC_SCOPES } from './oauth-scopes.ts';
export { interactionPath, OAUTH_ROUTES } from './provider.ts';
export { MAX_REDIRECT_URIS, redirectUriProblem } from './redirect-uris.ts';
