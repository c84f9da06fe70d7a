// Achievements: the operator names the types and their targets
// (ROSTER_ACHIEVEMENTS, such as `five-star:20,referral:10`); every account
// has each of them, from sign-up on (or from its first read, for a type added
// later; reads never write). Apps raise progress with a service key
// (`achievements:write`); `referral` is Roster's own: the verified accounts
// the user referred, counted by the invites module when read, so no one can
// write it. A value stays within 0 and its target.
import { type Permission, policy } from '../../platform/auth/policy.ts';
import { auditActor, type Principal, type ViewerRef } from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/clock.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { commonError } from '../../platform/errors.ts';
import type { Hooks } from '../../platform/hooks.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { recordAudit } from '../audit/index.ts';
import type { InvitesService } from '../invites/index.ts';
import type { ProfilesService } from '../profiles/index.ts';
import { findUserById, roleOfActive, userError } from '../users/index.ts';
import {
  type AchievementRow,
  achievementId,
  changeValue,
  forgetAchievements,
  insertMissing,
  listAchievements,
} from './achievements.repository.ts';

/** The type Roster counts itself. */
export const REFERRAL = 'referral';

export interface AchievementType {
  readonly type: string;
  readonly total: number;
}

export interface AchievementView {
  readonly id: string;
  readonly userId: string;
  readonly type: string;
  readonly total: number;
  readonly value: number;
  /** How many times the value or the target changed. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type ProgressChange = { readonly set: number } | { readonly add: number };

const view = (r: AchievementRow): AchievementView => ({
  id: r.id,
  userId: r.user_id,
  type: r.type,
  total: r.total,
  value: r.value,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function createAchievementsService(deps: {
  readonly db: Executor;
  readonly clock: Clock;
  readonly hooks: Hooks;
  readonly invites: Pick<InvitesService, 'verifiedReferrals'>;
  readonly profiles: Pick<ProfilesService, 'publicView'>;
  readonly types: readonly AchievementType[];
}) {
  const { db, clock, hooks, invites, profiles, types } = deps;

  hooks.on('accountCreated', (trx, e) => insertMissing(trx, [e.userId], types, e.at.toISOString()));
  hooks.on('accountErased', (trx, e) => forgetAchievements(trx, e.userId));

  async function authorize(principal: Principal, permission: Permission): Promise<void> {
    await policy.authorize(principal, permission, roleOfActive(db));
  }

  /**
   * Each user's achievements of the configured types, in their configured
   * order. A read writes nothing: a type a user has no row of yet (added to
   * ROSTER_ACHIEVEMENTS after they signed up) shows at 0 under the id its
   * row will get, the target is always the configured one (the value held
   * within it), and `referral` is counted now from the invites module.
   */
  async function listOf(userIds: readonly string[]): Promise<Map<string, AchievementView[]>> {
    const out = new Map<string, AchievementView[]>(userIds.map((id) => [id, []]));
    if (types.length === 0 || userIds.length === 0) return out;
    const rows = new Map((await listAchievements(db, userIds)).map((r) => [`${r.user_id} ${r.type}`, r]));
    const referred = types.some((t) => t.type === REFERRAL)
      ? await invites.verifiedReferrals(userIds)
      : new Map<string, number>();
    const since = clock.now().toISOString();
    for (const userId of userIds) {
      const list = out.get(userId)!;
      for (const t of types) {
        const row = rows.get(`${userId} ${t.type}`);
        const stored = row ? row.value : 0;
        const value = t.type === REFERRAL ? (referred.get(userId) ?? 0) : stored;
        list.push({
          id: row?.id ?? achievementId(userId, t.type),
          userId,
          type: t.type,
          total: t.total,
          value: Math.max(0, Math.min(t.total, value)),
          version: row?.version ?? 0,
          createdAt: row?.created_at ?? since,
          updatedAt: row?.updated_at ?? since,
        });
      }
    }
    return out;
  }

  return {
    types,
    listOf,

    /** The user's own achievements. */
    async mine(userId: string): Promise<AchievementView[]> {
      return (await listOf([userId])).get(userId)!;
    },

    /** Another user's, for whoever may see their public view (404 otherwise). */
    async ofUser(viewer: ViewerRef, userId: string): Promise<AchievementView[]> {
      await profiles.publicView(userId, viewer);
      return (await listOf([userId])).get(userId)!;
    },

    /** Raises (or sets) a user's progress (`achievements:write`); audited with the actor. */
    async progress(
      principal: Principal,
      userId: string,
      type: string,
      change: ProgressChange,
      context: RequestContext,
    ): Promise<AchievementView> {
      await authorize(principal, 'achievements:write');
      const spec = types.find((t) => t.type === type);
      if (!spec)
        throw commonError('not_found', { detail: `No achievement type ${type} (ROSTER_ACHIEVEMENTS).` });
      if (spec.type === REFERRAL)
        throw commonError('conflict', {
          detail: 'Roster counts referrals itself: verified referred accounts.',
        });
      const at = clock.now();
      return inTransaction(db, async (trx) => {
        const user = await findUserById(trx, userId);
        if (!user || user.status === 'deleted') throw userError('user_not_found');
        await insertMissing(trx, [userId], [spec], at.toISOString());
        const row = await changeValue(trx, userId, type, spec.total, change, at.toISOString());
        await recordAudit(
          trx,
          {
            type: 'achievement.progressed',
            userId,
            context,
            detail: { ...auditActor(principal.actor), achievement: type, ...change, value: row!.value },
          },
          at,
        );
        return view(row!);
      });
    },
  };
}

export type AchievementsService = ReturnType<typeof createAchievementsService>;
