// Presence: a user is online while one of their sessions is live and was
// seen (a request with its token) within ROSTER_PRESENCE_WINDOW. Requests
// only note the user in memory; a periodic task writes the notes in one
// batch (off the request path, outside any transaction), so authenticating
// stays a read. Until then this node counts its own notes. A sign-in writes
// its time at once, in its own transaction (`loggedInAt`).
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/executor.ts';
import { findUsersByIds } from '../users/index.ts';

/** How often the noted requests are written: well inside the shortest window (60 s). */
export const PRESENCE_FLUSH_MS = 30_000;
/** Users noted between two writes, at most: past it, new users' requests are not noted until the next write. */
const MAX_NOTED = 100_000;
/** Users per query of a flush (well under both engines' bound on parameters). */
const CHUNK = 500;

export interface Presence {
  readonly online: boolean;
  /** The last sign-in (ISO), or null before the first. */
  readonly signedInAt: string | null;
}

export function createPresence(deps: {
  db: Executor;
  clock: Clock;
  windowSeconds: number;
  onFlushError: (err: unknown) => void;
}) {
  const { db, clock } = deps;
  const noted = new Map<string, number>();
  let stopFlush: (() => void) | undefined;

  async function flush(): Promise<void> {
    if (noted.size === 0) return;
    const batch = [...noted];
    noted.clear();
    try {
      await write(batch);
    } catch (err) {
      // Noted again for the next turn, unless a newer request was noted meanwhile.
      for (const [id, at] of batch) if ((noted.get(id) ?? 0) < at) noted.set(id, at);
      throw err;
    }
  }

  async function write(batch: readonly (readonly [string, number])[]): Promise<void> {
    for (let i = 0; i < batch.length; i += CHUNK) {
      const chunk = batch.slice(i, i + CHUNK);
      // Only accounts still here: an erased one's notes are dropped.
      const users = await findUsersByIds(
        db,
        chunk.map(([id]) => id),
      );
      const rows = chunk
        .filter(([id]) => users.get(id)?.status === 'active')
        .map(([id, at]) => ({ user_id: id, seen_at: new Date(at).toISOString() }));
      if (rows.length === 0) continue;
      await db
        .insertInto('user_presence')
        .values(rows)
        // Never backwards: another node's older note must not undo a newer one.
        .onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet((eb) => ({ seen_at: eb.ref('excluded.seen_at') }))
            .where((eb) =>
              eb.or([
                eb('user_presence.seen_at', 'is', null),
                eb('user_presence.seen_at', '<', eb.ref('excluded.seen_at')),
              ]),
            ),
        )
        .execute();
    }
  }

  return {
    /** A request of the user's: noted now, written by the next flush. */
    seen(userId: string): void {
      if (noted.size >= MAX_NOTED && !noted.has(userId)) return;
      noted.set(userId, clock.now().getTime());
    },

    /** A sign-in, in its transaction: online from now on, and its time kept. */
    async signedIn(trx: Executor, userId: string, at: Date): Promise<void> {
      const iso = at.toISOString();
      await trx
        .insertInto('user_presence')
        .values({ user_id: userId, seen_at: iso, signed_in_at: iso })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ seen_at: iso, signed_in_at: iso }))
        .execute();
    },

    /** Each user's presence (users never seen: offline, no sign-in). */
    async of(userIds: readonly string[]): Promise<Map<string, Presence>> {
      const out = new Map<string, Presence>(userIds.map((id) => [id, { online: false, signedInAt: null }]));
      if (userIds.length === 0) return out;
      const now = clock.now();
      const since = new Date(now.getTime() - deps.windowSeconds * 1000);
      const nowIso = now.toISOString();
      const rows = await db
        .selectFrom('user_presence as p')
        .select((eb) => [
          'p.user_id',
          'p.seen_at',
          'p.signed_in_at',
          eb
            .exists(
              eb
                .selectFrom('sessions as s')
                .select('s.id')
                .whereRef('s.user_id', '=', 'p.user_id')
                .where('s.revoked_at', 'is', null)
                .where('s.expires_at', '>', nowIso)
                .where('s.idle_expires_at', '>', nowIso),
            )
            .as('live'),
        ])
        .where('p.user_id', 'in', userIds)
        .execute();
      for (const r of rows) {
        const seenAt = Math.max(r.seen_at ? new Date(r.seen_at).getTime() : 0, noted.get(r.user_id) ?? 0);
        out.set(r.user_id, {
          online: Boolean(r.live) && seenAt >= since.getTime(),
          signedInAt: r.signed_in_at === null ? null : new Date(r.signed_in_at).toISOString(),
        });
      }
      // Noted here but never written yet (a session from before presence was kept): online.
      const withRow = new Set(rows.map((r) => r.user_id));
      for (const id of userIds)
        if (!withRow.has(id) && (noted.get(id) ?? 0) >= since.getTime())
          out.set(id, { online: true, signedInAt: null });
      return out;
    },

    /** Erasure: the row goes, and any note of the user. */
    async forget(trx: Executor, userId: string): Promise<void> {
      noted.delete(userId);
      await trx.deleteFrom('user_presence').where('user_id', '=', userId).execute();
    },

    flush,
    start(): void {
      stopFlush ??= clock.every(PRESENCE_FLUSH_MS, () => flush().catch(deps.onFlushError));
    },
    /** Stops the task and writes what is noted (a node shutting down loses no presence). */
    async stop(): Promise<void> {
      stopFlush?.();
      stopFlush = undefined;
      await flush();
    },
  };
}

export type PresenceTracker = ReturnType<typeof createPresence>;
