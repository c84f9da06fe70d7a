// Writing to the outbox. Services call these INSIDE their own transaction, so
// the message commits or rolls back with the change that causes it; the
// worker (outbox-worker.ts) sends it after commit.
import type { Executor } from '../db/executor.ts';
import { newId } from '../ids.ts';
import { assertSingleRecipient } from '../mailer/mail-options.ts';
import { type Mailer, type MailMessage, MailRejectedError } from '../mailer/mailer.ts';
import { insertOutboxMessage } from './outbox.repository.ts';
import { type OutboxSender, PermanentSendError } from './outbox-sender.ts';

/**
 * Channels the outbox carries; each has one sender registered on the worker.
 * Besides messages, a channel may carry work to do off the request path
 * (`password_reset`: look an address up, then issue a code and queue its mail;
 * `avatar_analysis`: face detection on a new avatar; `avatar_import`: a
 * sign-up's photo made into its avatar).
 */
export type OutboxChannel =
  | 'mail'
  | 'sms'
  | 'webhook'
  | 'password_reset'
  | 'avatar_analysis'
  | 'avatar_import';

/** Queues any channel's payload (JSON-serialisable); returns the outbox id. */
export async function enqueue(
  executor: Executor,
  channel: OutboxChannel,
  payload: unknown,
  now: Date,
): Promise<string> {
  const id = newId();
  await insertOutboxMessage(executor, {
    id,
    channel,
    payload: JSON.stringify(payload),
    createdAt: now,
    nextAttemptAt: now,
  });
  return id;
}

/** Queues a mail; pass the transaction (`trx`) the change runs in. */
export async function enqueueMail(executor: Executor, message: MailMessage, now: Date): Promise<string> {
  // Refused here, inside the caller's transaction, rather than failing later in the worker.
  assertSingleRecipient(message.to);
  const { to, subject, text, html } = message;
  return enqueue(executor, 'mail', { to, subject, text, html }, now);
}

/** The `mail` channel's sender: the outbox id becomes the Message-ID, stable across retries. */
export function mailSender(mailer: Mailer): OutboxSender {
  return async (payload, context) => {
    try {
      await mailer.send({ ...parseMail(payload), deliveryId: context.id });
    } catch (error) {
      if (error instanceof MailRejectedError) throw new PermanentSendError(error.message, { cause: error });
      throw error;
    }
  };
}

function parseMail(payload: unknown): MailMessage {
  const p = payload as Partial<Record<keyof MailMessage, unknown>> | null;
  if (
    typeof p?.to !== 'string' ||
    typeof p.subject !== 'string' ||
    typeof p.text !== 'string' ||
    typeof p.html !== 'string'
  ) {
    throw new PermanentSendError('mail payload is not {to, subject, text, html}');
  }
  return { to: p.to, subject: p.subject, text: p.text, html: p.html };
}
