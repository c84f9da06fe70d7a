// Is this session still live? Asked on every authenticated request, so the
// answer is cached in-process for a few seconds. Revocation still takes
// effect at once on the revoking node, and within the event's delivery time
// (milliseconds) on the others: the revoking node publishes the session ids
// and every node (Redis pub/sub when REDIS_URL is set, in-process otherwise)
// drops them from its cache.
// If a node misses an event (Redis briefly unreachable), the cache's short
// TTL bounds how long it can believe a revoked session.
import type { Clock } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/executor.ts';
import type { EventBus } from '../../platform/events/event-bus.ts';
import { findSession } from './sessions.repository.ts';

export const REVOKED_CHANNEL = 'sessions.revoked';
const CACHE_TTL_MS = 10_000;
const MAX_ENTRIES = 50_000;

export interface LiveSession {
  readonly userId: string;
  readonly scope: string;
  /** When the session's sign-in happened (ISO): how fresh its authentication is. */
  readonly authTime: string;
  /** How the user signed in (RFC 8176: pwd, sms, otp, mfa, ...). */
  readonly amr: readonly string[];
  /** The OAuth client whose grant this session is; null for a first-party session. */
  readonly clientId: string | null;
}

interface Entry {
  value: LiveSession | null;
  until: number;
}

export function createSessionState(deps: { db: Executor; clock: Clock; events: EventBus }) {
  const cache = new Map<string, Entry>();
  let unsubscribe: (() => Promise<void>) | undefined;
  // Bumped by every revocation. A read that overlapped one may hold the state
  // from before it, so its answer is used once but never cached.
  let epoch = 0;
  const forget = (sessionIds: readonly string[]) => {
    epoch++;
    for (const sid of sessionIds) cache.delete(sid);
  };

  return {
    async start(): Promise<void> {
      unsubscribe = await deps.events.subscribe(REVOKED_CHANNEL, (message) =>
        forget(JSON.parse(message) as string[]),
      );
    },
    async stop(): Promise<void> {
      await unsubscribe?.();
    },

    async lookup(sessionId: string): Promise<LiveSession | null> {
      const nowMs = deps.clock.now().getTime();
      const hit = cache.get(sessionId);
      if (hit && hit.until > nowMs) return hit.value;
      const started = epoch;
      const session = await findSession(deps.db, sessionId);
      const now = deps.clock.now().toISOString();
      const live =
        session && session.revokedAt === null && session.expiresAt > now && session.idleExpiresAt > now
          ? {
              userId: session.userId,
              scope: session.scope,
              authTime: session.createdAt,
              amr: session.amr,
              clientId: session.clientId,
            }
          : null;
      if (epoch !== started) return live;
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(sessionId, { value: live, until: nowMs + CACHE_TTL_MS });
      return live;
    },

    /** Tells every node that these sessions ended. Call after the revoking transaction commits. */
    async revoked(sessionIds: readonly string[]): Promise<void> {
      if (sessionIds.length === 0) return;
      forget(sessionIds);
      await deps.events.publish(REVOKED_CHANNEL, JSON.stringify(sessionIds));
    },
  };
}

export type SessionState = ReturnType<typeof createSessionState>;
