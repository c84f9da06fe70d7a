// What services see of mail: queue a message inside their transaction, then
// nudge the worker once the transaction has committed.
import type { Clock } from '../clock.ts';
import type { Executor } from '../db/executor.ts';
import type { MailContent } from '../mailer/templates/index.ts';
import { enqueueMail } from './outbox.service.ts';

export interface MailQueue {
  queue(trx: Executor, to: string, content: MailContent): Promise<void>;
  /** Call after commit: the worker sends without waiting for its next poll. */
  flush(): void;
}

export function createMailQueue(deps: { clock: Clock; wake: () => void }): MailQueue {
  return {
    async queue(trx, to, content) {
      await enqueueMail(
        trx,
        { to, subject: content.subject, text: content.text, html: content.html },
        deps.clock.now(),
      );
    },
    flush: deps.wake,
  };
}
