// The credentials module's entry: what other modules and faces may use of it.
export { credentialError } from './credentials.errors.ts';
export { deleteCredentials, findCredential, upsertCredential } from './credentials.repository.ts';
export { type CredentialsService, createCredentialsService } from './credentials.service.ts';
export { deviceTokenOf, rememberDevice } from './device-cookie.ts';
export {
  createReauthenticator,
  type Proof,
  type Reauthentication,
  type Reauthenticator,
} from './reauthentication.ts';
export type { LoginStrategy, Proven, SignIn } from './strategies/strategy.ts';
