// Development mailer (SMTP_URL unset): each message becomes an RFC 5322 .eml
// file in `<data dir>/outbox/mail/`, readable by any mail client. This is the
// mail *folder* outbox; the transactional outbox table is src/platform/outbox.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type MailComposer from 'nodemailer/lib/mail-composer';
import { type Clock, systemClock } from '../clock.ts';
import { loadOnUse } from '../load-on-use.ts';
import { outboxFileName, writeAtomically } from '../outbox/outbox-files.ts';
import { sendMailOptions } from './mail-options.ts';
import type { Mailer, MailMessage } from './mailer.ts';

export interface OutboxMailerOptions {
  /** Folder the .eml files go to, usually `<dataDir>/outbox/mail`. */
  readonly dir: string;
  readonly from: string;
  readonly clock?: Clock;
}

/** The mail folder under a data dir. */
export const mailOutboxDir = (dataDir: string): string => join(dataDir, 'outbox', 'mail');

/** `2026-01-01T00-00-00.000Z-<uuidv7>.eml`: sorts by time, unique, no `:` (portable file names). */
export function emlFileName(at: Date, id?: string): string {
  return outboxFileName(at, 'eml', id);
}

export function createOutboxMailer(options: OutboxMailerOptions): Mailer {
  const clock = options.clock ?? systemClock;
  let ready: Promise<unknown> | undefined;
  return {
    async send(message: MailMessage): Promise<void> {
      // Codes and reset links are inside: only the service's user may read them.
      ready ??= mkdir(options.dir, { recursive: true, mode: 0o700 });
      await ready;
      const now = clock.now();
      const Composer = loadOnUse<typeof MailComposer>('nodemailer/lib/mail-composer');
      const bytes = await new Composer(sendMailOptions(message, options.from, now)).compile().build();
      await writeAtomically(join(options.dir, emlFileName(now)), bytes);
    },
  };
}

/**
 * Temp file, fsync, rename: a reader (or a crash) sees either no file or the
 * whole message, never half of one. The temp name does not end in `.eml`.
 */
