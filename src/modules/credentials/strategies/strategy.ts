// A login method proves who is signing in, and nothing more: the password, a
// code sent to a phone, and later an OAuth upstream or a passkey. What follows
// is the same for every one of them (sign-in.ts): a banned account is refused,
// the post-login hooks run (the second factor), and a session opens. So a new
// method cannot skip the second factor, and every face gets one outcome shape.
import type { RequestContext } from '../../../platform/request-context.ts';
import type { LoginOutcome } from '../../sessions/index.ts';
import type { User } from '../../users/index.ts';

/** Who a strategy proved, and how. */
export interface Proven<Extra extends object = object> {
  readonly user: User;
  /** The methods the proof used (RFC 8176: pwd, sms; later hwk, fed). */
  readonly amr: readonly string[];
  /** What the outcome carries besides (the device cookie to set, whether an account was made). */
  readonly extra: Extra;
}

export interface LoginStrategy<Input, Extra extends object = object> {
  /** The method's name (audit rows, logs). */
  readonly method: string;
  /**
   * Proves who signs in, or throws the method's own refusal, after the same
   * work for a known and an unknown user.
   */
  authenticate(input: Input, context: RequestContext): Promise<Proven<Extra>>;
}

/** Runs a strategy, then the step every sign-in shares. */
export type SignIn = <Input, Extra extends object>(
  strategy: LoginStrategy<Input, Extra>,
  input: Input,
  context: RequestContext,
) => Promise<LoginOutcome & Extra>;
