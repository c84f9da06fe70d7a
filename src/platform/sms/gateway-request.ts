// One POST to an HTTP SMS gateway, judged the same way for every transport:
// 2xx: sent. 408, 429, 5xx, no answer, timeout: retried (a plain Error).
// Any other status: refused for good (SmsRejectedError), retrying cannot help.
import { redactText } from '../logger.ts';
import { SmsRejectedError } from './sms-sender.ts';

/** One send may take this long, body included; the outbox lease (5 min) outlasts it by far. */
export const SMS_SEND_TIMEOUT_MS = 10_000;

export interface GatewayRequest {
  /** Names the gateway in error messages ("SMS webhook", "Twilio"); never the URL, which may hold a key. */
  readonly gateway: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  /** Strings no error message may contain (an auth token, a key in the URL): replaced by `[redacted]`. */
  readonly secrets: readonly string[];
  /** Turns the body of a refusal into a short reason; by default its first characters. */
  readonly explain?: (text: string) => string;
}

const MAX_DETAIL = 200;

export async function postToGateway(request: GatewayRequest): Promise<void> {
  // Redacted before cut short, so no prefix of a secret survives a truncation.
  // Gateways echo the request: the number and the text with its code go too.
  const clean = (text: string) => oneLine(redactText(redactSecrets(text, request.secrets)));
  let status: number;
  let text: string;
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      // A redirect would carry the code (and the credentials) somewhere we were not told to send them.
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    status = response.status;
    // Read whole (under the same timeout) so the connection goes back to the pool.
    text = await response.text();
  } catch (error) {
    // No `cause`: fetch's own messages may quote the URL; only the redacted reason is kept.
    throw new Error(`${request.gateway} ${whyUnreachable(error, request.timeoutMs, clean)}`);
  }
  if (status >= 200 && status < 300) return;

  const detail = clean(request.explain ? request.explain(text) : text);
  const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
  const reason = `${request.gateway} answered ${status}${redirect}${detail ? `: ${detail}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) throw new Error(reason);
  throw new SmsRejectedError(reason);
}

function whyUnreachable(error: unknown, timeoutMs: number, clean: (text: string) => string): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `did not answer within ${timeoutMs} ms`;
  }
  // fetch rejects with `TypeError: fetch failed`; what happened is in its cause (ECONNREFUSED, ...).
  const cause = (error as { cause?: { message?: string; code?: string } } | null)?.cause;
  const detail = cause?.message || cause?.code || (error instanceof Error ? error.message : String(error));
  return `unreachable: ${clean(detail)}`;
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL)}…` : flat;
}

/** Longest first, so a secret containing another is replaced whole. Empty strings are ignored. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets.filter((s) => s.length > 0).toSorted((a, b) => b.length - a.length)) {
    out = out.replaceAll(secret, '[redacted]');
  }
  return out;
}

/** `Basic base64(user:password)` (RFC 7617, UTF-8). */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}
