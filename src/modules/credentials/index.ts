// The credentials module's entry: what other modules and faces may use of it.

export { removeCredentials, setPassword } from './credential-store.ts';
export { credentialError } from './credentials.errors.ts';
export { type CredentialsService, createCredentialsService, RESET_MINUTES } from './credentials.service.ts';
export { deviceTokenOf, rememberDevice } from './device-cookie.ts';
export {
  createReauthenticator,
  type Proof,
  type Reauthentication,
  type Reauthenticator,
} from './reauthentication.ts';
export type { LoginStrategy, Proven, SignIn } from './strategies/strategy.ts';
