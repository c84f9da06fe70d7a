import type { Executor } from '../../platform/db/executor.ts';

export interface AuditRow {
  id: string;
  userId: string | null;
  type: string;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown> | null;
  createdAt: string;
}

export async function insertAuditEvent(db: Executor, row: AuditRow): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: row.id,
      user_id: row.userId,
      type: row.type,
      ip: row.ip,
      user_agent: row.userAgent,
      detail: row.detail ? JSON.stringify(row.detail) : null,
      created_at: row.createdAt,
    })
    .execute();
}

export async function listAuditEventsForUser(db: Executor, userId: string, limit = 100): Promise<AuditRow[]> {
  const rows = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    type: r.type,
    ip: r.ip,
    userAgent: r.user_agent,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
    createdAt: r.created_at,
  }));
}

/** When the user's latest event of this type happened, or null. */
export async function findLastAuditAt(db: Executor, userId: string, type: string): Promise<string | null> {
  const row = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.max('created_at').as('at'))
    .where('user_id', '=', userId)
    .where('type', '=', type)
    .executeTakeFirst();
  return (row?.at as string | null | undefined) ?? null;
}
