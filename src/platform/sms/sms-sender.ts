// The SMS port. Services never send SMS directly: they queue an SmsMessage in
// the outbox inside their transaction (sms-queue.ts), and the outbox worker
// hands it to an SmsSender. Adapters: outbox-sms-sender (.json files for
// development), webhook-sms-sender (POST JSON to a gateway of your own),
// twilio-sms-sender.

export interface SmsMessage {
  /** E.164: `+` then country code and number, digits only (`+14155550100`). */
  readonly to: string;
  readonly body: string;
}

export interface SmsSendContext {
  /**
   * Stable id of this delivery (the outbox row id): sent along as an
   * idempotency key where the transport has one, so a delivery retried after
   * a crash or a timeout can be recognised and dropped by the gateway.
   */
  readonly deliveryId?: string;
}

export interface SmsSender {
  /** Resolves once the gateway has accepted the message; throws to have it retried. */
  send(message: SmsMessage, context?: SmsSendContext): Promise<void>;
}

/**
 * The gateway refused this message for good (a 4xx other than 408/429: a bad
 * number, bad credentials, a malformed request): sending it again cannot
 * succeed, so the outbox records it as failed at once. Any other error is
 * retried.
 */
export class SmsRejectedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SmsRejectedError';
  }
}

const E164 = /^\+[1-9]\d{1,14}$/;

/** `+` and at most 15 digits, no leading zero: what every adapter may pass to a gateway as is. */
export const isE164 = (value: string): boolean => E164.test(value);
