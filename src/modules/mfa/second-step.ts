// The second step of a sign-in. A post-login hook turns a correct first step
// of an account with a factor on into a pending sign-in (an opaque token, 5
// minutes, 5 tries: the OTP module's single-use machinery over mfa_challenges);
// a code of one of its methods completes it, whichever login strategy began it.
import type { Clock } from '../../platform/clock.ts';
import { randomToken, sha256 } from '../../platform/crypto/tokens.ts';
import type { Executor } from '../../platform/db/executor.ts';
import { newId } from '../../platform/ids.ts';
import type { RateGuard } from '../../platform/rate-limit/rate-guard.ts';
import { enforce } from '../../platform/rate-limit/rate-limit.errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { recordAudit } from '../audit/index.ts';
import { createSingleUse, type SingleUseState } from '../otp/index.ts';
import type { PostLoginHook, SignedIn } from '../sessions/index.ts';
import type { User } from '../users/index.ts';
import type { EnrolledFactor, Factor, FactorKind, MfaMethod } from './factor.ts';
import type { RecoveryCodes } from './factors/recovery-code.ts';
import { mfaError } from './mfa.errors.ts';
import {
  type Challenge,
  challengeStore,
  type FactorRow,
  findChallenge,
  findFactor,
  insertChallenge,
  listFactors,
} from './mfa.repository.ts';

const CHALLENGE_TTL_MS = 5 * 60_000;
const CHALLENGE_ATTEMPTS = 5;

export interface SecondStepDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly guard: RateGuard;
  readonly factors: Readonly<Record<FactorKind, EnrolledFactor>>;
  readonly recovery: RecoveryCodes;
  readonly activeUser: (userId: string) => Promise<User>;
  readonly lockKey: (userId: string) => string;
  /** Opens the session once every step is done (credentials module). */
  readonly openSession: (user: User, amr: string[], context: RequestContext) => Promise<SignedIn>;
}

export function createSecondStep(deps: SecondStepDeps) {
  const { db, clock, guard, factors, recovery } = deps;
  const challenges = createSingleUse(challengeStore, { clock, maxAttempts: CHALLENGE_ATTEMPTS });
  const stateOf = (c: Challenge): SingleUseState => ({
    id: c.id,
    expiresAt: c.expires_at,
    attempts: Number(c.attempts),
    usedAt: c.consumed_at,
  });
  const isEnrolled = (method: MfaMethod): method is FactorKind => Object.hasOwn(factors, method);

  async function liveChallenge(token: string) {
    const challenge = await findChallenge(db, sha256(token));
    if (!challenge || !challenges.isLive(stateOf(challenge))) throw mfaError('invalid_mfa_token');
    const user = await deps.activeUser(challenge.user_id);
    return { challenge, user };
  }

  /** The factor behind a method, with its row when the owner sets it up; refused unless it is on. */
  async function usable(user: User, method: MfaMethod): Promise<{ factor: Factor; row: FactorRow | null }> {
    if (!isEnrolled(method)) return { factor: recovery, row: null };
    const row = await findFactor(db, user.id, method);
    if (!row?.enabled_at) throw mfaError('mfa_method_unavailable');
    return { factor: factors[method], row };
  }

  const open: PostLoginHook = async ({ user, amr }) => {
    const rows = (await listFactors(db, user.id)).filter((f) => f.enabled_at !== null);
    if (rows.length === 0) return { kind: 'continue' };
    const token = randomToken();
    const now = clock.now();
    await insertChallenge(db, {
      id: newId(),
      token_hash: sha256(token),
      user_id: user.id,
      amr: JSON.stringify(amr),
      expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
      created_at: now.toISOString(),
    });
    const methods: MfaMethod[] = rows.map((f) => f.type as FactorKind);
    if ((await recovery.left(db, user.id)) > 0) methods.push('recovery_code');
    return { kind: 'second-factor', challenge: { token, methods, userId: user.id } };
  };

  return {
    /** The post-login hook every login strategy passes through. */
    open,

    /** Sends the code of a pending sign-in, for a factor that delivers one (email). */
    async sendCode(token: string, method: FactorKind): Promise<void> {
      const { user } = await liveChallenge(token);
      const { row } = await usable(user, method);
      const factor = factors[method];
      if (!row || !factor.sendSignInCode) throw mfaError('mfa_method_unavailable');
      await factor.sendSignInCode(user);
    },

    /** A code of one method completes the pending sign-in. */
    async complete(
      input: { mfaToken: string; method: MfaMethod; code: string },
      context: RequestContext,
    ): Promise<SignedIn> {
      const { challenge, user } = await liveChallenge(input.mfaToken);
      const { factor, row } = await usable(user, input.method);
      // The pending sign-in's try is taken first, then the account's lockout,
      // both before the code is checked and atomically: parallel guesses
      // cannot exceed the sign-in's tries, nor, over many at once, the lockout.
      const attempt = await challenges.attempt(db, stateOf(challenge), async () => {
        enforce(await guard.failures.reserve(deps.lockKey(user.id)), 'mfa lockout');
        return factor.verify(db, { user, code: input.code, use: 'sign-in', row });
      });
      if (!attempt.ok && !attempt.counted) throw mfaError('invalid_mfa_token');
      if (!attempt.ok) {
        await recordAudit(
          db,
          { type: 'login.failed', userId: user.id, context, detail: { method: input.method, step: 'mfa' } },
          clock.now(),
        );
        throw mfaError('invalid_mfa_code');
      }
      if (!(await challenges.use(db, stateOf(challenge)))) throw mfaError('invalid_mfa_token');
      await guard.failures.reset(deps.lockKey(user.id));
      const amr = [...(JSON.parse(challenge.amr) as string[]), factor.amr, 'mfa'];
      return deps.openSession(user, amr, context);
    },
  };
}
