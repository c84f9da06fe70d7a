// What services see of mail: queue a message inside their transaction, then
// the worker is nudged once the transaction has committed.
import type { Clock } from '../clock.ts';
import type { Executor } from '../db/executor.ts';
import { afterCommit } from '../db/unit-of-work.ts';
import type { MailContent } from '../mailer/templates/index.ts';
import { enqueueMail } from './outbox.service.ts';

export interface MailQueue {
  queue(trx: Executor, to: string, content: MailContent): Promise<void>;
}

export function createMailQueue(deps: { clock: Clock; wake: () => void }): MailQueue {
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
  };
}
