// The step every login strategy ends in (strategies/strategy.ts): a banned
// account is refused (only now, after a correct proof, may the reply say
// more about the account), the post-login hooks run in order and one may
// answer with a second-factor challenge, otherwise a session opens.

import type { Clock } from '../../platform/clock.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { recordAudit } from '../audit/index.ts';
import type { LoginOutcome, PostLoginHook, SessionsService, SignedIn } from '../sessions/index.ts';
import type { User } from '../users/index.ts';
import { userError } from '../users/index.ts';
import type { SignIn } from './strategies/strategy.ts';

export interface SignInDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly sessions: Pick<SessionsService, 'startSession'>;
  /** Read at each sign-in, so the MFA hook can join once MFA exists. */
  readonly postLoginHooks: readonly PostLoginHook[];
}

export function createSignIn(deps: SignInDeps) {
  const { db, clock, sessions } = deps;

  /** The end of every sign-in, once all steps (the second factor included) are done. */
  async function openSession(user: User, amr: string[], context: RequestContext): Promise<SignedIn> {
    const now = clock.now();
    const tokens = await inTransaction(db, async (trx) => {
      const issued = await sessions.startSession(trx, { userId: user.id, amr, context });
      await recordAudit(
        trx,
        {
          type: 'login.succeeded',
          userId: user.id,
          context,
          detail: { method: amr.join('+'), sessionId: issued.sessionId },
        },
        now,
      );
      return issued;
    });
    return { kind: 'signed-in', user, tokens };
  }

  /** Runs the post-login hooks, then opens a session. */
  async function completeLogin(user: User, amr: string[], context: RequestContext): Promise<LoginOutcome> {
    for (const hook of deps.postLoginHooks) {
      const outcome = await hook({ user, amr, context });
      if (outcome.kind === 'second-factor') return outcome;
    }
    return openSession(user, amr, context);
  }

  const signIn: SignIn = async (strategy, input, context) => {
    const { user, amr, extra } = await strategy.authenticate(input, context);
    if (user.status === 'banned') throw userError('account_disabled');
    return { ...(await completeLogin(user, [...amr], context)), ...extra };
  };

  return { signIn, completeLogin, openSession };
}
