// The OAuth module's entry: what other modules and faces may use of it.
export {
  CLIENT_ID_PREFIX,
  CLIENT_SECRET_PREFIX,
  createOAuthClients,
  type NewOAuthClient,
  type OAuthClient,
  type OAuthClients,
} from './oauth-clients.service.ts';
export { API_SCOPES, OAUTH_SCOPES, OIDC_SCOPES } from './oauth-scopes.ts';
export { MAX_REDIRECT_URIS, redirectUriProblem } from './redirect-uris.ts';
