// A real SMTP server on 127.0.0.1 (ephemeral port, no TLS, auth optional) that
// keeps what it receives, plus a small MIME reader for assertions on mail
// (mailparser is not a dependency; this reads what nodemailer writes).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { DEFAULT_WAIT_MS, waitForMessage } from './wait-for.ts';

export interface ParsedMail {
  /** Lower-cased names; folded lines joined; encoded words decoded. */
  readonly headers: ReadonlyMap<string, string>;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface ReceivedMail extends ParsedMail {
  readonly envelopeFrom: string;
  readonly envelopeTo: readonly string[];
  readonly raw: string;
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly messages: ReceivedMail[];
  /**
   * Replies to RCPT TO (or to DATA with `stage: 'data'`) with this SMTP error until cleared with null.
   * A function message is given the recipient, as relays that quote the refused address do.
   */
  reject(error: SmtpRejection | null): void;
  /** Resolves with the first message (already received or arriving) matching `predicate`. */
  waitFor(predicate?: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export interface SmtpRejection {
  readonly code: number;
  readonly message?: string | ((recipient: string) => string);
  readonly stage?: 'rcpt' | 'data';
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let rejection: SmtpRejection | null = null;
  const say = (r: SmtpRejection, recipient: string) =>
    (typeof r.message === 'function' ? r.message(recipient) : r.message) ?? 'rejected by test server';

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (rejection && (rejection.stage ?? 'rcpt') === 'rcpt') {
        return callback(smtpError(rejection.code, say(rejection, address.address)));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (rejection?.stage === 'data') {
          return callback(
            smtpError(rejection.code, say(rejection, session.envelope.rcptTo[0]?.address ?? '')),
          );
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom;
        messages.push({
          ...parseMail(raw),
          envelopeFrom: from ? from.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        for (const wake of waiters) wake();
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Errors after start (a client hanging up) are part of what tests provoke.
  server.on('error', () => {});
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    reject(error) {
      rejection = error;
    },
    waitFor: (predicate = () => true, timeoutMs = DEFAULT_WAIT_MS) =>
      waitForMessage(messages, waiters, predicate, timeoutMs, 'mail'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Reads an RFC 5322 message: headers, and the text/plain and text/html parts at any depth. */
export function parseMail(raw: string): ParsedMail {
  const part = parsePart(raw);
  const found = { text: '', html: '' };
  collect(part, found);
  return { headers: part.headers, subject: part.headers.get('subject') ?? '', ...found };
}

interface Part {
  readonly headers: Map<string, string>;
  readonly body: string;
}

function parsePart(raw: string): Part {
  const match = /\r?\n\r?\n/.exec(raw);
  const head = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : '';
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), decodeWords(line.slice(colon + 1).trim()));
  }
  return { headers, body };
}

function collect(part: Part, found: { text: string; html: string }): void {
  const type = part.headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.toLowerCase().startsWith('multipart/') && boundary) {
    const sections = part.body.split(`--${boundary}`).slice(1);
    for (const section of sections) {
      if (section.startsWith('--')) break;
      collect(parsePart(section.replace(/^\r?\n/, '')), found);
    }
    return;
  }
  const content = decodeBody(part.body, part.headers.get('content-transfer-encoding') ?? '');
  if (/^text\/html/i.test(type)) found.html = content;
  else if (/^text\/plain/i.test(type)) found.text = content;
}

function decodeBody(body: string, encoding: string): string {
  const bytes = (latin1: string) => Buffer.from(latin1, 'latin1').toString('utf8');
  let out: string;
  if (/^quoted-printable$/i.test(encoding)) {
    out = bytes(
      body
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
    );
  } else if (/^base64$/i.test(encoding)) {
    out = Buffer.from(body, 'base64').toString('utf8');
  } else {
    out = body;
  }
  return out.replace(/\r\n/g, '\n').replace(/\n$/, '');
}

/** RFC 2047 encoded words (`=?UTF-8?Q?...?=`, `=?UTF-8?B?...?=`). */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g, (_, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeBody(text.replace(/_/g, ' '), 'quoted-printable'),
    );
}
