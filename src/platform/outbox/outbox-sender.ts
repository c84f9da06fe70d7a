// What the worker hands a claimed message to: one sender function per channel
// (`mail` now; `sms`, `webhook` later), registered when the worker is built.

export interface SendContext {
  /** The outbox row id: stable across retries (a Message-ID, an idempotency key). */
  readonly id: string;
  /** 1 on the first try. */
  readonly attempt: number;
}

/** Delivers one payload (parsed JSON); throws to have it retried. */
export type OutboxSender = (payload: unknown, context: SendContext) => Promise<void>;

export type OutboxSenders = Readonly<Record<string, OutboxSender>>;

/**
 * Thrown by a sender when retrying cannot help (a malformed payload, a refused
 * address): the message is marked failed at once. Any other error is retried.
 * Only this class counts: a driver's own `permanent` flags (nodemailer sets one
 * on every 5xx, a wrong SMTP password included) are for the adapter to judge.
 */
export class PermanentSendError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentSendError';
  }
}
