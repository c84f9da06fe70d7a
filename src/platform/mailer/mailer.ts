// The mail port. Services never send mail directly: they enqueue a MailMessage
// in the outbox inside their transaction (src/platform/outbox), and the outbox
// worker hands it to a Mailer. Adapters: smtp-mailer, outbox-mailer (.eml
// files for development), memory-mailer (tests).

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /**
   * Stable id of this delivery; the Message-ID becomes `<deliveryId@sender
   * domain>`. The outbox sets it to its row id, so a delivery retried after a
   * crash carries the same Message-ID and receiving systems can drop the copy.
   */
  readonly deliveryId?: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /** Releases connections; in-flight sends finish first. */
  close?(): Promise<void>;
}

/**
 * The receiving server refused this recipient for good (an SMTP 5xx reply to
 * RCPT TO): sending the same message again cannot succeed, so the outbox
 * records it as failed at once instead of retrying for an hour.
 */
export class MailRejectedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MailRejectedError';
  }
}
