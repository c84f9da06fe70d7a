// What happens after a login method has proved who the user is. Every login
// strategy (password, phone code; later OAuth upstreams and passkeys: see
// credentials/strategies/) ends in the same step: post-login hooks run in
// order, and one may stop the flow with a second-factor challenge instead of
// a session. The outcome is transport-neutral: each face (the native API, the
// compat surfaces) only renames it.

import type { RequestContext } from '../../platform/request-context.ts';
import type { User } from '../users/index.ts';
import type { SessionTokens } from './sessions.service.ts';

/** A pending sign-in that a second factor completes. */
export interface SecondFactorChallenge {
  /** Opaque, single use; completes the sign-in with a code of one of `methods`. */
  readonly token: string;
  /** What may answer it (`totp`, `email`, `recovery_code`, …), in a stable order. */
  readonly methods: readonly string[];
  /**
   * The account the first step proved. For faces whose replies name it
   * before the second step (a seed's login); the native reply does not.
   */
  readonly userId: string;
}

export type PostLoginOutcome =
  | { readonly kind: 'continue' }
  | { readonly kind: 'second-factor'; readonly challenge: SecondFactorChallenge };

export interface LoginAttempt {
  readonly user: User;
  /** Authentication methods used so far (RFC 8176: pwd, otp, sms, mfa). */
  readonly amr: readonly string[];
  readonly context: RequestContext;
}

export type PostLoginHook = (attempt: LoginAttempt) => Promise<PostLoginOutcome>;

/** Every step is done: a session is open. */
export interface SignedIn {
  readonly kind: 'signed-in';
  readonly user: User;
  readonly tokens: SessionTokens;
}

/** The password (or code) was right; a second factor must complete the sign-in. */
export interface SecondFactorRequired {
  readonly kind: 'second-factor';
  readonly challenge: SecondFactorChallenge;
}

export type LoginOutcome = SignedIn | SecondFactorRequired;
