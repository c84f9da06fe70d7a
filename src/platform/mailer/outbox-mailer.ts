// Development mailer (SMTP_URL unset): each message becomes an RFC 5322 .eml
// file in `<data dir>/outbox/mail/`, readable by any mail client. This is the
// mail *folder* outbox; the transactional outbox table is src/platform/outbox.
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { type Clock, systemClock } from '../clock.ts';
import { newId } from '../ids.ts';
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
export function emlFileName(at: Date, id: string = newId()): string {
  return `${at.toISOString().replaceAll(':', '-')}-${id}.eml`;
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
      const bytes = await new MailComposer(sendMailOptions(message, options.from, now)).compile().build();
      await writeAtomically(join(options.dir, emlFileName(now)), bytes);
    },
  };
}

/**
 * Temp file, fsync, rename: a reader (or a crash) sees either no file or the
 * whole message, never half of one. The temp name does not end in `.eml`.
 */
async function writeAtomically(path: string, bytes: Buffer): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const file = await open(temp, 'wx', 0o600);
  try {
    await file.writeFile(bytes);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temp, { force: true });
    throw error;
  }
  await file.close();
  await rename(temp, path);
}
