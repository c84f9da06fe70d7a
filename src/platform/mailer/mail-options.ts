// Turns a MailMessage into nodemailer's message options, the same way for
// every adapter, so the .eml files of development are the bytes SMTP would send.
import type { SendMailOptions } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type { MailMessage } from './mailer.ts';

/** Domain of the sender address (`Roster <no-reply@example.com>` -> `example.com`). */
export function senderDomain(from: string): string {
  const [first] = addressparser(from, { flatten: true });
  const at = first?.address.lastIndexOf('@') ?? -1;
  return at === -1 ? 'localhost' : first!.address.slice(at + 1);
}

/**
 * Every mail goes to exactly one mailbox. A `to` like `a@x.com, b@y.com` (a lax
 * check upstream) would hand a code meant for one address to another: refused.
 */
export function assertSingleRecipient(to: string): void {
  const all = addressparser(to, { flatten: true });
  if (all.length !== 1 || !all[0]!.address.includes('@')) {
    throw new Error('a mail must have exactly one recipient address');
  }
}

export function sendMailOptions(message: MailMessage, from: string, date?: Date): SendMailOptions {
  assertSingleRecipient(message.to);
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    ...(message.deliveryId ? { messageId: `<${message.deliveryId}@${senderDomain(from)}>` } : {}),
    ...(date ? { date } : {}),
    headers: {
      // RFC 3834: machine-generated; vacation responders must not answer it.
      'Auto-Submitted': 'auto-generated',
    },
    // Content is always given inline; never let a value be read as a path or URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
