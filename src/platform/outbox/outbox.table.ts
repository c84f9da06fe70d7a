import type { Generated } from 'kysely';

export interface OutboxMessagesTable {
  id: string;
  /** `mail`, `sms` or `webhook`. */
  channel: string;
  /** JSON text: the message as the channel's sender takes it. */
  payload: string;
  status: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}
