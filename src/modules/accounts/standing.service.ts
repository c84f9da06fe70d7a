// An account's standing, as staff and the apps' service keys set it: a role
// (`user` or a business role the operator names), an account type, the
// identity-verification status, a restriction flag, a score and a
// subscription. The user reads them in their own view and cannot change them.
// A restriction changes nothing inside Roster: it is a flag for the apps,
// which decide what a restricted account may no longer do there. The staff
// role is not given here: only the operator's command line makes admins, so
// no service key can mint one.
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
  isSubscribed,
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

export interface SubscriptionView {
  /** One of ROSTER_SUBSCRIPTION_TIERS, or null: none. */
  readonly tier: string | null;
  /** When it ends; null with a tier: until staff end it. */
  readonly expiresAt: string | null;
  /** A tier is set and its end, if any, is still ahead. */
  readonly active: boolean;
}

export interface StandingView {
  readonly id: string;
  readonly role: UserRole;
  readonly type: string | null;
  readonly verification: Verification | null;
  readonly restricted: boolean;
  readonly score: number;
  readonly subscription: SubscriptionView;
}

export interface StandingInput {
  readonly role?: string | undefined;
  readonly type?: string | null | undefined;
  readonly verification?: string | null | undefined;
  readonly restricted?: boolean | undefined;
}

/** A subscription replaced whole: a tier (or none) and when it ends (or never). */
export interface SubscriptionInput {
  readonly tier: string | null;
  readonly expiresAt: string | null;
}

export type ScoreChange = { readonly set: number } | { readonly add: number };

const standingOf = (u: User, now: Date): StandingView => ({
  id: u.id,
  role: u.role,
  type: u.accountType,
  verification: u.verification,
  restricted: u.restricted,
  score: u.score,
  subscription: {
    tier: u.subscriptionTier,
    expiresAt: u.subscriptionExpiresAt,
    active: isSubscribed(u, now),
  },
});

export function createStandingService(deps: {
  readonly db: Executor;
  readonly clock: Clock;
  readonly users: Pick<UsersService, 'updateStanding' | 'changeScore'>;
  readonly config: {
    readonly roles: readonly string[];
    readonly accountTypes: readonly string[];
    readonly subscriptionTiers: readonly string[];
  };
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
    if (input.restricted !== undefined) change.restricted = input.restricted;
    if (errors.length > 0) throw commonError('validation_failed', { errors });
    if (Object.keys(change).length === 0)
      throw commonError('validation_failed', {
        detail: 'Give at least one of role, type, verification and restricted.',
      });
    return change;
  }

  /** The subscription as stored: a configured tier, an instant in ISO form, no end without a tier. */
  function validSubscription(input: SubscriptionInput): NonNullable<StandingChange['subscription']> {
    const errors: FieldError[] = [];
    const tiers = config.subscriptionTiers;
    if (input.tier !== null && !tiers.includes(input.tier))
      errors.push({
        path: 'tier',
        message:
          tiers.length > 0
            ? `is one of ${tiers.join(', ')}, or null`
            : 'is null: no subscription tiers are configured (ROSTER_SUBSCRIPTION_TIERS)',
      });
    const at = input.expiresAt === null ? null : new Date(input.expiresAt);
    if (at !== null && Number.isNaN(at.getTime()))
      errors.push({ path: 'expiresAt', message: 'is an ISO 8601 date-time, or null' });
    else if (at !== null && input.tier === null)
      errors.push({ path: 'expiresAt', message: 'is null when there is no tier' });
    if (errors.length > 0) throw commonError('validation_failed', { errors });
    return { tier: input.tier, expiresAt: at?.toISOString() ?? null };
  }

  return {
    /** The account's standing (`users:read`). */
    async get(principal: Principal, userId: string): Promise<StandingView> {
      await authorize(principal, 'users:read');
      return standingOf(await target(db, userId), clock.now());
    },

    /** Sets role, type, verification or restriction (`standing:write`); audited with what changed and who did it. */
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
        return standingOf(await target(trx, userId), now);
      });
    },

    /**
     * Replaces the subscription (`subscriptions:write`): the billing system's
     * key or staff set it, never the user. An end in the past is kept as
     * given (a lapsed subscription); audited with the actor.
     */
    async setSubscription(
      principal: Principal,
      userId: string,
      input: SubscriptionInput,
      context: RequestContext,
    ): Promise<StandingView> {
      await authorize(principal, 'subscriptions:write');
      const subscription = validSubscription(input);
      const now = clock.now();
      return inTransaction(db, async (trx) => {
        await target(trx, userId);
        await users.updateStanding(trx, userId, { subscription }, now.toISOString());
        await recordAudit(
          trx,
          {
            type: 'account.subscription_changed',
            userId,
            context,
            detail: { ...auditActor(principal.actor), ...subscription },
          },
          now,
        );
        return standingOf(await target(trx, userId), now);
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
        return standingOf(await target(trx, userId), now);
      });
    },
  };
}

export type StandingService = ReturnType<typeof createStandingService>;
