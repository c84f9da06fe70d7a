// An account's standing, as staff and the apps' service keys set it: a role
// (`user` or a business role the operator names), an account type, the
// identity-verification status, and a score. The user reads them in their
// own view and cannot change them. The staff role is not given here: only
// the operator's command line makes admins, so no service key can mint one.
import { type Permission, policy } from '../../platform/auth/policy.ts';
import { auditActor, type Principal } from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/clock.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import type { FieldError } from '../../platform/domain-error.ts';
import { commonError } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { recordAudit } from '../audit/index.ts';
import {
  findUserById,
  roleOfActive,
  type StandingChange,
  type User,
  type UserRole,
  type UsersService,
  userError,
  VERIFICATIONS,
  type Verification,
} from '../users/index.ts';

/** Scores stay within 32 bits on every engine. */
export const SCORE_RANGE = { min: -1_000_000_000, max: 1_000_000_000 } as const;

export interface StandingView {
  readonly id: string;
  readonly role: UserRole;
  readonly type: string | null;
  readonly verification: Verification | null;
  readonly score: number;
}

export interface StandingInput {
  readonly role?: string | undefined;
  readonly type?: string | null | undefined;
  readonly verification?: string | null | undefined;
}

export type ScoreChange = { readonly set: number } | { readonly add: number };

const standingOf = (u: User): StandingView => ({
  id: u.id,
  role: u.role,
  type: u.accountType,
  verification: u.verification,
  score: u.score,
});

export function createStandingService(deps: {
  readonly db: Executor;
  readonly clock: Clock;
  readonly users: Pick<UsersService, 'updateStanding' | 'changeScore'>;
  readonly config: { readonly roles: readonly string[]; readonly accountTypes: readonly string[] };
}) {
  const { db, clock, users, config } = deps;
  const givableRoles = ['user', ...config.roles];

  async function authorize(principal: Principal, permission: Permission): Promise<void> {
    await policy.authorize(principal, permission, roleOfActive(db));
  }

  /** The account as it stands; a deleted one is not found. */
  async function target(trx: Executor, userId: string): Promise<User> {
    const user = await findUserById(trx, userId);
    if (!user || user.status === 'deleted') throw userError('user_not_found');
    return user;
  }

  function validate(input: StandingInput): StandingChange {
    const errors: FieldError[] = [];
    const change: { -readonly [K in keyof StandingChange]: StandingChange[K] } = {};
    if (input.role !== undefined) {
      if (givableRoles.includes(input.role)) change.role = input.role;
      else
        errors.push({
          path: 'role',
          message: `is one of ${givableRoles.join(', ')} (admins are made with the command line)`,
        });
    }
    if (input.type !== undefined) {
      if (input.type === null || config.accountTypes.includes(input.type)) change.accountType = input.type;
      else
        errors.push({
          path: 'type',
          message:
            config.accountTypes.length > 0
              ? `is one of ${config.accountTypes.join(', ')}, or null`
              : 'is null: no account types are configured (ROSTER_ACCOUNT_TYPES)',
        });
    }
    if (input.verification !== undefined) {
      if (input.verification === null || (VERIFICATIONS as readonly string[]).includes(input.verification))
        change.verification = input.verification as Verification | null;
      else errors.push({ path: 'verification', message: `is one of ${VERIFICATIONS.join(', ')}, or null` });
    }
    if (errors.length > 0) throw commonError('validation_failed', { errors });
    if (Object.keys(change).length === 0)
      throw commonError('validation_failed', { detail: 'Give at least one of role, type and verification.' });
    return change;
  }

  return {
    /** The account's standing (`users:read`). */
    async get(principal: Principal, userId: string): Promise<StandingView> {
      await authorize(principal, 'users:read');
      return standingOf(await target(db, userId));
    },

    /** Sets role, type or verification (`standing:write`); audited with what changed and who did it. */
    async update(
      principal: Principal,
      userId: string,
      input: StandingInput,
      context: RequestContext,
    ): Promise<StandingView> {
      await authorize(principal, 'standing:write');
      const change = validate(input);
      const now = clock.now();
      return inTransaction(db, async (trx) => {
        await target(trx, userId);
        if (!(await users.updateStanding(trx, userId, change, now.toISOString())))
          throw commonError('forbidden', { detail: 'An admin’s role is changed with the command line.' });
        await recordAudit(
          trx,
          {
            type: 'account.standing_changed',
            userId,
            context,
            detail: { ...auditActor(principal.actor), ...change },
          },
          now,
        );
        return standingOf(await target(trx, userId));
      });
    },

    /** Sets or adds to the score (`scores:write`); concurrent additions all count. */
    async changeScore(
      principal: Principal,
      userId: string,
      change: ScoreChange,
      context: RequestContext,
    ): Promise<StandingView> {
      await authorize(principal, 'scores:write');
      const now = clock.now();
      return inTransaction(db, async (trx) => {
        await target(trx, userId);
        const score = await users.changeScore(trx, userId, change, SCORE_RANGE, now.toISOString());
        if (score === null)
          throw commonError('validation_failed', {
            errors: [
              {
                path: 'set' in change ? 'set' : 'add',
                message: `would leave the score outside ${SCORE_RANGE.min} to ${SCORE_RANGE.max}`,
              },
            ],
          });
        await recordAudit(
          trx,
          {
            type: 'account.score_changed',
            userId,
            context,
            detail: { ...auditActor(principal.actor), ...change, score },
          },
          now,
        );
        return standingOf(await target(trx, userId));
      });
    },
  };
}

export type StandingService = ReturnType<typeof createStandingService>;
