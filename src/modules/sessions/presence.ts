// Presence: a user is online while one of their sessions is live and was
// seen (a request with its token) within ROSTER_PRESENCE_WINDOW. Requests
// only note the user in memory; a periodic task writes the notes in one
// batch (off the request path, outside any transaction), so authenticating
// stays a read. Until then this node counts its own notes. A sign-in writes
// its time at once, in its own transaction (`loggedInAt`).
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/executor.ts';
import { afterCommit } from '../../platform/db/unit-of-work.ts';
import { findUsersByIds } from '../users/index.ts';

/** How often the noted requests are written: well inside the shortest window (60 s). */
export const PRESENCE_FLUSH_MS = 30_000;
/** Users noted between two writes, at most: past it, new users' requests are not noted until the next write. */
const MAX_NOTED = 100_000;
/** Users per query of a flush (well under both engines' bound on parameters). */
const CHUNK = 500;
/**
 * How long a user's stored presence (last write, last sign-in, whether a
 * session is live) is kept in memory: the owner's view reads it on every
 * request. A sign-in or a revocation on this node drops it at once; on other
 * nodes it is at most this old.
 */
export const PRESENCE_CACHE_MS = 5_000;
const CACHE_ENTRIES = 50_000;

/** What the database holds of a user's presence. */
interface Stored {
  readonly seenAtMs: number;
  readonly signedInAt: string | null;
  readonly live: boolean;
}

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
  const cached = new Map<string, { stored: Stored | null; until: number }>();
  // Bumped by every drop: a read that overlapped one is used once, never kept.
  let epoch = 0;
  let stopFlush: (() => void) | undefined;

  function drop(userId: string): void {
    epoch++;
    cached.delete(userId);
  }

  async function readStored(userIds: readonly string[], now: Date): Promise<Map<string, Stored>> {
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
    return new Map(
      rows.map((r) => [
        r.user_id,
        {
          seenAtMs: r.seen_at ? new Date(r.seen_at).getTime() : 0,
          signedInAt: r.signed_in_at === null ? null : new Date(r.signed_in_at).toISOString(),
          live: Boolean(r.live),
        },
      ]),
    );
  }

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
      drop(userId);
      await afterCommit(trx, () => drop(userId));
    },

    /** Each user's presence (users never seen: offline, no sign-in). */
    async of(userIds: readonly string[]): Promise<Map<string, Presence>> {
      const out = new Map<string, Presence>();
      if (userIds.length === 0) return out;
      const now = clock.now();
      const nowMs = now.getTime();
      const since = nowMs - deps.windowSeconds * 1000;
      const stored = new Map<string, Stored | null>();
      const missing: string[] = [];
      for (const id of userIds) {
        const hit = cached.get(id);
        if (hit && hit.until > nowMs) stored.set(id, hit.stored);
        else missing.push(id);
      }
      if (missing.length > 0) {
        const started = epoch;
        const read = await readStored(missing, now);
        for (const id of missing) {
          const value = read.get(id) ?? null;
          stored.set(id, value);
          if (epoch !== started) continue;
          if (cached.size >= CACHE_ENTRIES) cached.delete(cached.keys().next().value!);
          cached.set(id, { stored: value, until: nowMs + PRESENCE_CACHE_MS });
        }
      }
      for (const id of userIds) {
        const row = stored.get(id) ?? null;
        const notedAt = noted.get(id) ?? 0;
        // Noted here but never written yet (a session from before presence was kept): online.
        if (row === null) out.set(id, { online: notedAt >= since, signedInAt: null });
        else
          out.set(id, {
            online: row.live && Math.max(row.seenAtMs, notedAt) >= since,
            signedInAt: row.signedInAt,
          });
      }
      return out;
    },

    /** The user's sessions or sign-in changed (a revocation, in its transaction's after-commit): read anew. */
    changed: drop,

    /** Erasure: the row goes, and any note of the user. */
    async forget(trx: Executor, userId: string): Promise<void> {
      noted.delete(userId);
      drop(userId);
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
