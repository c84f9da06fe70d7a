// SMS_TRANSPORT=twilio: Twilio's Messages API (POST .../Messages.json, form
// encoded, HTTP Basic with the account SID and auth token). Twilio takes no
// idempotency key on this call: a send whose answer was lost (timeout) is
// retried and may arrive twice; that is the outbox's at-least-once.
import { basicAuthorization, postToGateway, SMS_SEND_TIMEOUT_MS } from './gateway-request.ts';
import type { SmsMessage, SmsSender } from './sms-sender.ts';

export interface TwilioSmsSenderOptions {
  readonly accountSid: string;
  /** Never logged, never in an error message. */
  readonly authToken: string;
  /** A sender number (E.164), an alphanumeric sender id, or a Messaging Service SID (`MG` + 32 hex). */
  readonly from: string;
  /** `https://api.twilio.com` (TWILIO_API_BASE: a regional edge, or a test double). */
  readonly apiBase: string;
  readonly timeoutMs?: number;
}

// Strict, so an alphanumeric sender id that happens to start with "MG" stays a `From`.
const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/i;

export function twilioMessagesUrl(apiBase: string, accountSid: string): string {
  return `${apiBase.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
}

export function createTwilioSmsSender(options: TwilioSmsSenderOptions): SmsSender {
  const url = twilioMessagesUrl(options.apiBase, options.accountSid);
  const authorization = basicAuthorization(options.accountSid, options.authToken);
  const sender: [string, string] = MESSAGING_SERVICE_SID.test(options.from)
    ? ['MessagingServiceSid', options.from]
    : ['From', options.from];
  // The token, and the header that encodes it, should a proxy echo it back.
  const secrets = [options.authToken, authorization.slice('Basic '.length)];
  return {
    async send(message: SmsMessage): Promise<void> {
      await postToGateway({
        gateway: 'Twilio',
        url,
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams([['To', message.to], sender, ['Body', message.body]]).toString(),
        timeoutMs: options.timeoutMs ?? SMS_SEND_TIMEOUT_MS,
        secrets,
        explain: explainTwilioError,
      });
    },
  };
}

/** Twilio's error body is `{"code":21211,"message":"...","more_info":"...","status":400}`. */
function explainTwilioError(text: string): string {
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof body.message === 'string') {
      return typeof body.code === 'number' ? `error ${body.code}: ${body.message}` : body.message;
    }
  } catch {
    // Not JSON (a proxy's HTML page): the text itself, cut short by the caller.
  }
  return text;
}
