// What happens after a login method has proved who the user is. Post-login
// hooks run in order; one may stop the flow with a challenge (the MFA second
// step) instead of a session. Login methods (password, phone code) are
// strategies that end by calling completeLogin.

import type { RequestContext } from '../../platform/request-context.ts';
import type { User } from '../users/index.ts';
import type { SessionTokens } from './sessions.service.ts';

export interface MfaChallenge {
  readonly mfaRequired: true;
  readonly mfaToken: string;
  readonly methods: readonly string[];
}

export type PostLoginOutcome =
  | { readonly kind: 'continue' }
  | { readonly kind: 'challenge'; readonly challenge: MfaChallenge };

export interface LoginAttempt {
  readonly user: User;
  /** Authentication methods used so far (RFC 8176: pwd, otp, sms, mfa). */
  readonly amr: readonly string[];
  readonly context: RequestContext;
}

export type PostLoginHook = (attempt: LoginAttempt) => Promise<PostLoginOutcome>;

export type LoginResult =
  | { readonly kind: 'session'; readonly user: User; readonly tokens: SessionTokens }
  | { readonly kind: 'challenge'; readonly challenge: MfaChallenge };
