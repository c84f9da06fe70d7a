import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/executor.ts';
import type { SessionsTable } from './sessions.table.ts';

export interface Session {
  id: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  idleExpiresAt: string;
  expiresAt: string;
  revokedAt: string | null;
  userAgent: string | null;
  ip: string | null;
  amr: string[];
  scope: string;
  /** The OAuth client whose grant this session is; null for a first-party session. */
  clientId: string | null;
}

/** The columns COLUMNS selects (revoke_reason is written, never read back). */
type Row = Omit<Selectable<SessionsTable>, 'revoke_reason'>;

const toSession = (r: Row): Session => ({
  id: r.id,
  userId: r.user_id,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  idleExpiresAt: r.idle_expires_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  userAgent: r.user_agent,
  ip: r.ip,
  amr: JSON.parse(r.amr) as string[],
  scope: r.scope,
  clientId: r.client_id,
});

const COLUMNS = [
  'id',
  'user_id',
  'created_at',
  'last_seen_at',
  'idle_expires_at',
  'expires_at',
  'revoked_at',
  'user_agent',
  'ip',
  'amr',
  'scope',
  'client_id',
] as const;

export async function insertSession(db: Executor, s: Omit<Session, 'revokedAt'>): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      user_id: s.userId,
      created_at: s.createdAt,
      last_seen_at: s.lastSeenAt,
      idle_expires_at: s.idleExpiresAt,
      expires_at: s.expiresAt,
      revoked_at: null,
      revoke_reason: null,
      user_agent: s.userAgent,
      ip: s.ip,
      amr: JSON.stringify(s.amr),
      scope: s.scope,
      client_id: s.clientId,
    })
    .execute();
}

export async function findSession(db: Executor, id: string): Promise<Session | null> {
  const row = await db.selectFrom('sessions').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toSession(row) : null;
}

/** A user's live first-party sessions, newest first, keyset-paginated by id (grants are listed apart). */
export async function listActiveSessions(
  db: Executor,
  userId: string,
  now: string,
  page: { limit: number; beforeId?: string },
): Promise<Session[]> {
  let query = db
    .selectFrom('sessions')
    .select(COLUMNS)
    .where('user_id', '=', userId)
    .where('client_id', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('idle_expires_at', '>', now)
    .orderBy('id', 'desc')
    .limit(page.limit);
  if (page.beforeId) query = query.where('id', '<', page.beforeId);
  return (await query.execute()).map(toSession);
}

export async function touchSession(
  db: Executor,
  id: string,
  now: string,
  idleExpiresAt: string,
  ip: string | null,
): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: now, idle_expires_at: idleExpiresAt, ip })
    .where('id', '=', id)
    .execute();
}

/** A user's live grants (sessions of OAuth clients), newest first. */
export async function listActiveGrants(db: Executor, userId: string, now: string): Promise<Session[]> {
  const rows = await db
    .selectFrom('sessions')
    .select(COLUMNS)
    .where('user_id', '=', userId)
    .where('client_id', 'is not', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toSession);
}

export async function setSessionScope(db: Executor, id: string, scope: string): Promise<void> {
  await db.updateTable('sessions').set({ scope }).where('id', '=', id).execute();
}

/** Revokes sessions of a user (all, all but one, one, or one client's grants); returns the ids revoked. */
export async function revokeSessions(
  db: Executor,
  filter: { userId: string; sessionId?: string; exceptSessionId?: string; clientId?: string },
  now: string,
  reason: string,
): Promise<string[]> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: now, revoke_reason: reason })
    .where('user_id', '=', filter.userId)
    .where('revoked_at', 'is', null);
  if (filter.sessionId) query = query.where('id', '=', filter.sessionId);
  if (filter.exceptSessionId) query = query.where('id', '!=', filter.exceptSessionId);
  if (filter.clientId) query = query.where('client_id', '=', filter.clientId);
  const rows = await query.returning('id').execute();
  return rows.map((r) => r.id);
}

/** Ends every live session a client acts in, whoever's; the ids ended. */
export async function revokeClientSessions(
  db: Executor,
  clientId: string,
  now: string,
  reason: string,
): Promise<string[]> {
  const rows = await db
    .updateTable('sessions')
    .set({ revoked_at: now, revoke_reason: reason })
    .where('client_id', '=', clientId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function insertRefreshToken(
  db: Executor,
  tokenHash: string,
  sessionId: string,
  now: string,
): Promise<void> {
  await db
    .insertInto('refresh_tokens')
    .values({ token_hash: tokenHash, session_id: sessionId, created_at: now, used_at: null })
    .execute();
}

export async function findRefreshToken(
  db: Executor,
  tokenHash: string,
): Promise<{ sessionId: string; usedAt: string | null } | null> {
  const row = await db
    .selectFrom('refresh_tokens')
    .select(['session_id', 'used_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row ? { sessionId: row.session_id, usedAt: row.used_at } : null;
}

/** Marks a refresh token used; false when a concurrent request used it first. */
export async function useRefreshToken(db: Executor, tokenHash: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Erasure: the user's sessions (revoked first, and announced) go, their refresh tokens with them. */
export async function deleteSessionsOfUser(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}
