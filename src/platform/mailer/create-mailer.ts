// Picks the mail adapter from configuration: SMTP when SMTP_URL is set (always
// in production, load-config insists), otherwise .eml files in the data dir.
import type { Config } from '../../config/load-config.ts';
import type { Clock } from '../clock.ts';
import type { Mailer } from './mailer.ts';
import { createOutboxMailer, mailOutboxDir } from './outbox-mailer.ts';
import { createSmtpMailer } from './smtp-mailer.ts';

export type MailerConfig = Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'>;

export function createMailer(config: MailerConfig, clock?: Clock): Mailer {
  if (config.smtpUrl !== null) return createSmtpMailer({ url: config.smtpUrl, from: config.mailFrom });
  return createOutboxMailer({
    dir: mailOutboxDir(config.dataDir),
    from: config.mailFrom,
    ...(clock ? { clock } : {}),
  });
}
