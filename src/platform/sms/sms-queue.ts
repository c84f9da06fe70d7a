// What services see of SMS: queue a message inside their transaction, then
// the worker is nudged once the transaction has committed. And the outbox
// worker's `sms` channel sender, which hands queued messages to an SmsSender.
import type { Clock } from '../clock.ts';
import type { Executor } from '../db/executor.ts';
import { afterCommit } from '../db/unit-of-work.ts';
import { enqueue } from '../outbox/outbox.service.ts';
import { type OutboxSender, PermanentSendError } from '../outbox/outbox-sender.ts';
import { isE164, type SmsMessage, SmsRejectedError, type SmsSender } from './sms-sender.ts';

export interface SmsQueue {
  /** `to` in E.164 (`+14155550100`); pass the transaction (`trx`) the change runs in. */
  queue(trx: Executor, to: string, body: string): Promise<void>;
}

/** Queues an SMS on the `sms` channel; returns the outbox id. */
export async function enqueueSms(executor: Executor, message: SmsMessage, now: Date): Promise<string> {
  // Refused here, inside the caller's transaction, rather than failing later in the worker.
  const problem = problemWith(message.to, message.body);
  if (problem) throw new Error(problem);
  return enqueue(executor, 'sms', { to: message.to, body: message.body }, now);
}

export function createSmsQueue(deps: { clock: Clock; wake: () => void }): SmsQueue {
  return {
    async queue(trx, to, body) {
      await enqueueSms(trx, { to, body }, deps.clock.now());
      // The worker sends once the change commits, without waiting for its next poll.
      await afterCommit(trx, deps.wake);
    },
  };
}

/** The `sms` channel's sender: the outbox id is the delivery id (an idempotency key), stable across retries. */
export function smsOutboxSender(sender: SmsSender): OutboxSender {
  return async (payload, context) => {
    const message = parseSms(payload);
    try {
      await sender.send(message, { deliveryId: context.id });
    } catch (error) {
      if (error instanceof SmsRejectedError || error instanceof PermanentSendError) {
        throw new PermanentSendError(error.message, { cause: error });
      }
      throw error;
    }
  };
}

function problemWith(to: unknown, body: unknown): string | null {
  if (typeof to !== 'string' || !isE164(to)) return 'an SMS must go to one E.164 number (+15550100)';
  if (typeof body !== 'string' || body.length === 0) return 'an SMS must have a text';
  return null;
}

function parseSms(payload: unknown): SmsMessage {
  const p = payload as Partial<Record<keyof SmsMessage, unknown>> | null;
  const problem = problemWith(p?.to, p?.body);
  if (problem) throw new PermanentSendError(`sms payload is not {to, body}: ${problem}`);
  return { to: p!.to as string, body: p!.body as string };
}
