import type { Generated } from 'kysely';

/**
 * `pending` until delivered (`sent`) or given up on (`failed`). A pending row
 * with `locked_until` in the future is being sent by some node right now.
 */
export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface OutboxMessagesTable {
  id: string;
  /** `mail`, `sms` or `webhook`: picks the sender. */
  channel: string;
  /** JSON text: the message as the channel's sender takes it. Emptied once sent. */
  payload: string;
  status: Generated<OutboxStatus>;
  /** Claims so far, the current one included; also the fencing token of a claim. */
  attempts: Generated<number>;
  next_attempt_at: string;
  /** Lease of the node sending it; once past, another node may claim it again. */
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

// Registers these tables with the database's typed schema (see database.types.ts).
declare module '../db/database.types.ts' {
  interface Tables {
    outbox_messages: OutboxMessagesTable;
  }
}
