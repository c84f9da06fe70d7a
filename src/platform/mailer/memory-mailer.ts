// Keeps sent messages in memory: for tests, and for ROSTER_ENV=test wiring
// where nothing may leave the process.
import type { Mailer, MailMessage } from './mailer.ts';

export interface MemoryMailer extends Mailer {
  readonly sent: MailMessage[];
}

export function createMemoryMailer(): MemoryMailer {
  const sent: MailMessage[] = [];
  return {
    sent,
    async send(message: MailMessage): Promise<void> {
      sent.push(message);
    },
  };
}
