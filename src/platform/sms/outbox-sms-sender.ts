// Development SMS sender (SMS_TRANSPORT=outbox, the default): each message
// becomes `<data dir>/outbox/sms/<time>-<id>.json`, `{"to","body","createdAt"}`,
// so a developer (or a script) can read the codes without a gateway.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clock, systemClock } from '../clock.ts';
import { outboxFileName, writeAtomically } from '../outbox/outbox-files.ts';
import type { SmsMessage, SmsSender } from './sms-sender.ts';

export interface OutboxSmsSenderOptions {
  /** Folder the .json files go to, usually `<dataDir>/outbox/sms`. */
  readonly dir: string;
  readonly clock?: Clock;
}

/** What each file holds. */
export interface OutboxSmsFile {
  readonly to: string;
  readonly body: string;
  /** ISO 8601, the clock's time when written. */
  readonly createdAt: string;
}

/** The SMS folder under a data dir. */
export const smsOutboxDir = (dataDir: string): string => join(dataDir, 'outbox', 'sms');

/** `2026-01-01T00-00-00.000Z-<uuidv7>.json`: sorts by time, unique, no `:` (portable file names). */
export function smsFileName(at: Date, id?: string): string {
  return outboxFileName(at, 'json', id);
}

export function createOutboxSmsSender(options: OutboxSmsSenderOptions): SmsSender {
  const clock = options.clock ?? systemClock;
  let ready: Promise<unknown> | undefined;
  return {
    async send(message: SmsMessage): Promise<void> {
      // Codes are inside: only the service's user may read them.
      ready ??= mkdir(options.dir, { recursive: true, mode: 0o700 });
      await ready;
      const now = clock.now();
      const file: OutboxSmsFile = { to: message.to, body: message.body, createdAt: now.toISOString() };
      await writeAtomically(join(options.dir, smsFileName(now)), `${JSON.stringify(file, null, 2)}\n`);
    },
  };
}

/**
 * Temp file, fsync, rename: a reader (or a crash) sees either no file or the
 * whole message, never half of one. The temp name does not end in `.json`,
 * so a watcher globbing `*.json` never picks it up.
 */
