// Work to do off the request path (a face analysis, a password-reset look-up):
// queued in the caller's transaction like a mail, so it runs only if the
// change commits, and retried by the outbox worker until it succeeds.
import type { Clock } from '../clock.ts';
import type { Executor } from '../db/executor.ts';
import { afterCommit } from '../db/unit-of-work.ts';
import { enqueue, type OutboxChannel } from './outbox.service.ts';

export interface JobQueue {
  queue(trx: Executor, channel: OutboxChannel, payload: unknown): Promise<void>;
}

export function createJobQueue(deps: { clock: Clock; wake: () => void }): JobQueue {
  return {
    async queue(trx, channel, payload) {
      await enqueue(trx, channel, payload, deps.clock.now());
      // The worker runs it once the change commits, without waiting for its next poll.
      await afterCommit(trx, deps.wake);
    },
  };
}
