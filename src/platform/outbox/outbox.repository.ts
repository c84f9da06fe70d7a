// Queries on outbox_messages. Executor first: enqueueing runs inside the
// caller's transaction; the worker's claims and updates are single statements.
import type { Selectable } from 'kysely';
import type { Dialect } from '../db/database.ts';
import type { Executor } from '../db/executor.ts';
import type { OutboxMessagesTable } from './outbox.table.ts';

export type OutboxMessage = Selectable<OutboxMessagesTable>;

/** A claimed row: its id and its attempt number, which fences the later updates. */
export type OutboxClaim = Pick<OutboxMessage, 'id' | 'attempts'>;

export interface NewOutboxMessage {
  readonly id: string;
  readonly channel: string;
  /** JSON text. */
  readonly payload: string;
  readonly createdAt: Date;
  /** When it may be sent first; usually `createdAt`. */
  readonly nextAttemptAt: Date;
}

export async function insertOutboxMessage(db: Executor, row: NewOutboxMessage): Promise<void> {
  await db
    .insertInto('outbox_messages')
    .values({
      id: row.id,
      channel: row.channel,
      payload: row.payload,
      next_attempt_at: row.nextAttemptAt.toISOString(),
      locked_until: null,
      last_error: null,
      created_at: row.createdAt.toISOString(),
      sent_at: null,
    })
    .execute();
}

export interface ClaimOptions {
  readonly now: Date;
  readonly limit: number;
  /** The lease: until then no other node claims these rows. */
  readonly leaseUntil: Date;
  /** Only these channels (the ones this node can send); all when omitted. */
  readonly channels?: readonly string[];
}

/**
 * Takes up to `limit` due messages (pending, due, lease free or expired),
 * oldest first, leases them and counts the attempt, in one statement.
 * PostgreSQL: the inner SELECT locks its rows FOR UPDATE SKIP LOCKED, so two
 * nodes claiming at once get disjoint rows without waiting on each other, and
 * a row leased by a commit since the snapshot is re-checked and dropped.
 * SQLite: one writer at a time makes the statement atomic by itself.
 */
export async function claimDueMessages(
  db: Executor,
  dialect: Dialect,
  options: ClaimOptions,
): Promise<OutboxMessage[]> {
  if (options.limit <= 0 || options.channels?.length === 0) return [];
  const now = options.now.toISOString();
  const channels = options.channels;
  const due = db
    .selectFrom('outbox_messages')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .$if(channels !== undefined, (qb) => qb.where('channel', 'in', channels!))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(options.limit)
    .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
  const rows = await db
    .updateTable('outbox_messages')
    .set((eb) => ({ locked_until: options.leaseUntil.toISOString(), attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
  // RETURNING order is unspecified.
  return rows.sort((a, b) => a.next_attempt_at.localeCompare(b.next_attempt_at) || a.id.localeCompare(b.id));
}

/**
 * The updates below apply only while the claim is current (same attempt
 * number): a node whose lease expired and was taken over cannot overwrite the
 * newer claim's outcome. Each returns whether it applied.
 */

/** Delivered. The payload (codes, reset links) is dropped: once sent, the row keeps only metadata. */
export async function markSent(db: Executor, claim: OutboxClaim, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('outbox_messages')
    .set({ status: 'sent', sent_at: now.toISOString(), locked_until: null, last_error: null, payload: '{}' })
    .where('id', '=', claim.id)
    .where('attempts', '=', claim.attempts)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Failed this time; due again at `nextAttemptAt`. */
export async function markRetry(
  db: Executor,
  claim: OutboxClaim,
  error: string,
  nextAttemptAt: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('outbox_messages')
    .set({ next_attempt_at: nextAttemptAt.toISOString(), locked_until: null, last_error: error })
    .where('id', '=', claim.id)
    .where('attempts', '=', claim.attempts)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Given up: kept with its error for an operator to look at. */
export async function markFailed(db: Executor, claim: OutboxClaim, error: string): Promise<boolean> {
  const result = await db
    .updateTable('outbox_messages')
    .set({ status: 'failed', locked_until: null, last_error: error })
    .where('id', '=', claim.id)
    .where('attempts', '=', claim.attempts)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function findOutboxMessage(db: Executor, id: string): Promise<OutboxMessage | undefined> {
  return db.selectFrom('outbox_messages').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Deletes up to `limit` sent or failed rows created before `before`; returns how many. */
export async function deleteFinishedMessages(db: Executor, before: Date, limit: number): Promise<number> {
  const old = db
    .selectFrom('outbox_messages')
    .select('id')
    .where('status', 'in', ['sent', 'failed'])
    .where('created_at', '<', before.toISOString())
    .limit(limit);
  const result = await db.deleteFrom('outbox_messages').where('id', 'in', old).executeTakeFirst();
  return Number(result.numDeletedRows);
}
