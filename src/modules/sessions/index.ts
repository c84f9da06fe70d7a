// The sessions module's entry: what other modules and faces may use of it.
export { ACCESS_TOKEN_TTL_SECONDS, createAccessTokens } from './access-token.ts';
export {
  API_KEY_PREFIX,
  type ApiKeys,
  createApiKeys,
  SERVICE_SCOPES,
  type ServicePrincipal,
} from './api-keys.ts';
export type { LoginOutcome, PostLoginHook, SecondFactorChallenge, SignedIn } from './login-flow.ts';
export {
  createPresence,
  PRESENCE_CACHE_MS,
  PRESENCE_FLUSH_MS,
  type Presence,
  type PresenceTracker,
} from './presence.ts';
export { createSessionState } from './session-state.ts';
export { type BrowserSession, createSessionsModule } from './sessions.module.ts';
export {
  createSessionsService,
  isFreshSignIn,
  type Principal,
  type SessionsService,
  type SessionTokens,
} from './sessions.service.ts';
export { createKeyStore, SigningKeyError } from './signing-keys.ts';
