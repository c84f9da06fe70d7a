// Sends mail through an SMTP relay given as `smtp://user:pass@host:port`
// (STARTTLS when offered) or `smtps://...` (TLS from the first byte).
import type { NodemailerError } from 'nodemailer';
import { loadOnUse } from '../load-on-use.ts';
import { redactText } from '../logger.ts';
import { sendMailOptions } from './mail-options.ts';
import { type Mailer, type MailMessage, MailRejectedError } from './mailer.ts';

export interface SmtpMailerOptions {
  readonly url: string;
  /** The From header, e.g. `Roster <no-reply@example.com>` (MAIL_FROM). */
  readonly from: string;
  /** Upper bound for one send, connection included. */
  readonly sendTimeoutMs?: number;
  /** Pooled connections kept open to the relay. */
  readonly maxConnections?: number;
}

const SEND_TIMEOUT_MS = 60_000; // 1 min: a relay that trickles replies is cut here
const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/i;

export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const url = new URL(options.url);
  const hasCredentials = url.username !== '' || url.password !== '';
  const nodemailer = loadOnUse<typeof import('nodemailer')>('nodemailer');
  const transport = nodemailer.createTransport({
    pool: true,
    url: options.url,
    maxConnections: options.maxConnections ?? 3,
    maxMessages: 100,
    connectionTimeout: 10_000, // 10 s to open the TCP connection
    greetingTimeout: 10_000, // 10 s for the server's 220 greeting
    socketTimeout: 30_000, // 30 s of silence ends the connection
    dnsTimeout: 10_000,
    // Credentials never cross the network in clear: on smtp:// to a remote relay,
    // STARTTLS is required when a password is sent. A `?requireTLS=` in the URL wins.
    requireTLS: url.protocol === 'smtp:' && hasCredentials && !LOOPBACK.test(url.hostname),
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const sendTimeoutMs = options.sendTimeoutMs ?? SEND_TIMEOUT_MS;

  return {
    async send(message: MailMessage): Promise<void> {
      try {
        await transport.sendMail({
          ...sendMailOptions(message, options.from),
          signal: AbortSignal.timeout(sendTimeoutMs),
        });
      } catch (error) {
        throw classify(error);
      }
    },
    async close(): Promise<void> {
      // Idle connections close now; one that is delivering finishes first.
      transport.close();
    },
  };
}

/**
 * A 5xx reply to RCPT TO is the relay saying this address will never take the
 * message: permanent. Every other error (connection, authentication, 4xx, a
 * 5xx to MAIL FROM or DATA that an operator can fix) is left to retries.
 */
function classify(error: unknown): unknown {
  const e = error as NodemailerError;
  const rejected = e.rejectedErrors?.length ? e.rejectedErrors : [e];
  const recipientRefused = rejected.every(
    (r) => r.permanent === true && (r.command ?? '').toUpperCase().startsWith('RCPT'),
  );
  if (recipientRefused && e.code === 'EENVELOPE') {
    // Relays quote the refused address back (`550 5.1.1 <ada@example.com>`): not for the logs.
    return new MailRejectedError(`recipient refused: ${redactText(e.response ?? e.message)}`, {
      cause: error,
    });
  }
  return error;
}
