// The native API's words for a login outcome (sessions/login-flow.ts): the
// domain decides whether a sign-in is done or waits for a second factor, and
// this only renames it. Every native sign-in reply (password, phone code, the
// second step) is shaped here; a compat surface renames the same outcome its
// own way.
import { toPrivateUser } from '../accounts/accounts.schemas.ts';
import type { LoginOutcome, SecondFactorChallenge, SignedIn } from '../sessions/index.ts';

/** Tokens and the signed-in user (the `Tokens` schema). */
export const signedInReply = (outcome: SignedIn) => ({
  ...outcome.tokens,
  user: toPrivateUser(outcome.user),
});

/** A second factor is needed (the `MfaRequired` schema). */
export const secondFactorReply = (challenge: SecondFactorChallenge) => ({
  mfaRequired: true as const,
  mfaToken: challenge.token,
  methods: [...challenge.methods],
});

export const loginReply = (outcome: LoginOutcome) =>
  outcome.kind === 'signed-in' ? signedInReply(outcome) : secondFactorReply(outcome.challenge);
