// A real HTTP server on 127.0.0.1 (ephemeral port) standing in for an SMS
// gateway: point SMS_TRANSPORT=webhook / SMS_WEBHOOK_URL at `url` and read the
// codes from `messages`. It can be told to answer with an error, or late.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_WAIT_MS, waitForMessage } from './wait-for.ts';

export interface ReceivedSms {
  readonly to: string;
  readonly body: string;
  /** Lower-cased names, as node:http gives them (`idempotency-key`, `authorization`, ...). */
  readonly headers: IncomingHttpHeaders;
}

export interface SmsWebhookAnswer {
  /** HTTP status to answer with (the default, when cleared, is 204 and the message is kept). */
  readonly status: number;
  readonly body?: string;
  /** Answers with the request body itself, as gateways that quote what they refused do (`body` is then ignored). */
  readonly echo?: boolean;
  /** Waits this long before answering (to provoke a sender's timeout). */
  readonly delayMs?: number;
}

export interface TestSmsWebhook {
  /** `http://127.0.0.1:<port>/sms` */
  readonly url: string;
  readonly port: number;
  /** Messages accepted (answered 2xx), oldest first. */
  readonly messages: ReceivedSms[];
  /** Every well-formed POST, accepted or not, with the status it was answered. */
  readonly requests: (ReceivedSms & { readonly status: number })[];
  /**
   * Answers every later request this way until cleared with null. A non-2xx
   * status leaves `messages` alone (a gateway that refused did not send).
   */
  respondWith(answer: number | SmsWebhookAnswer | null): void;
  /** Resolves with the first message (already received or arriving) matching `predicate`. */
  waitFor(predicate?: (sms: ReceivedSms) => boolean, timeoutMs?: number): Promise<ReceivedSms>;
  close(): Promise<void>;
}

export async function startSmsWebhook(): Promise<TestSmsWebhook> {
  const messages: ReceivedSms[] = [];
  const requests: (ReceivedSms & { status: number })[] = [];
  const waiters = new Set<() => void>();
  const delays = new Set<NodeJS.Timeout>();
  let answer: SmsWebhookAnswer | null = null;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, text = '') => {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
      };
      if (req.method !== 'POST') return reply(405, 'POST only');
      let sms: ReceivedSms;
      const received = Buffer.concat(chunks).toString('utf8');
      try {
        const json = JSON.parse(received) as { to?: unknown; body?: unknown };
        if (typeof json.to !== 'string' || typeof json.body !== 'string') throw new Error('not {to, body}');
        sms = { to: json.to, body: json.body, headers: req.headers };
      } catch {
        return reply(400, 'expected JSON {"to","body"}');
      }
      const current = answer;
      const status = current?.status ?? 204;
      requests.push({ ...sms, status });
      const respond = () => {
        if (status >= 200 && status < 300) {
          messages.push(sms);
          for (const wake of waiters) wake();
        }
        reply(status, current?.echo ? received : (current?.body ?? ''));
      };
      if (!current?.delayMs) return respond();
      const timer = setTimeout(() => {
        delays.delete(timer);
        if (!res.destroyed) respond();
      }, current.delayMs);
      delays.add(timer);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/sms`,
    port,
    messages,
    requests,
    respondWith(next) {
      answer = typeof next === 'number' ? { status: next } : next;
    },
    waitFor: (predicate = () => true, timeoutMs = DEFAULT_WAIT_MS) =>
      waitForMessage(messages, waiters, predicate, timeoutMs, 'SMS'),
    close() {
      for (const timer of delays) clearTimeout(timer);
      delays.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets (fetch pools them) and delayed answers would hold close() open.
        server.closeAllConnections();
      });
    },
  };
}
