// What services see of mail: queue a message inside their transaction, then
// the worker is nudged once the transaction has committed.
import type { Clock } from '../clock.ts';
import type { Executor } from '../db/executor.ts';
import { afterCommit } from '../db/unit-of-work.ts';
import type { MailContent } from '../mailer/templates/index.ts';
import { createJobQueue } from './job-queue.ts';
import { enqueueMail, type OutboxChannel } from './outbox.service.ts';

export interface MailQueue {
  queue(trx: Executor, to: string, content: MailContent): Promise<void>;
  /** Queues a job whose sender mails when it runs (a password reset issues its code then). */
  queueJob(trx: Executor, channel: OutboxChannel, payload: unknown): Promise<void>;
}

export function createMailQueue(deps: { clock: Clock; wake: () => void }): MailQueue {
  const jobs = createJobQueue(deps);
  return {
    async queue(trx, to, content) {
      await enqueueMail(
        trx,
        { to, subject: content.subject, text: content.text, html: content.html },
        deps.clock.now(),
      );
      // The worker sends once the change commits, without waiting for its next poll.
      await afterCommit(trx, deps.wake);
    },
    queueJob: jobs.queue,
  };
}
