// SMS_TRANSPORT=webhook: POSTs `{"to","body"}` as JSON to SMS_WEBHOOK_URL, for
// a gateway of your own (or a test server reading the codes). The delivery id
// goes in `Idempotency-Key`, so the receiver can drop a retried duplicate.
import { basicAuthorization, postToGateway, SMS_SEND_TIMEOUT_MS } from './gateway-request.ts';
import type { SmsMessage, SmsSendContext, SmsSender } from './sms-sender.ts';

export interface WebhookSmsSenderOptions {
  /** http(s) URL; `https://user:pass@host/...` is sent as HTTP Basic auth (fetch refuses credentials in URLs). */
  readonly url: string;
  readonly timeoutMs?: number;
}

export function createWebhookSmsSender(options: WebhookSmsSenderOptions): SmsSender {
  const target = new URL(options.url);
  const baseHeaders: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/plain, */*',
  };
  const user = decodeURIComponent(target.username);
  const password = decodeURIComponent(target.password);
  const hasCredentials = target.username !== '' || target.password !== '';
  if (hasCredentials) {
    baseHeaders.authorization = basicAuthorization(user, password);
    target.username = '';
    target.password = '';
  }
  const url = target.href;
  // SMS_WEBHOOK_URL is a secret (it may carry a key in its path or query): no
  // error message names it, and whatever a gateway echoes back is scrubbed.
  const secrets = [
    options.url,
    url,
    target.search,
    ...[...target.searchParams.values()].filter((v) => v.length >= 8),
    ...(hasCredentials ? [password, baseHeaders.authorization!.slice('Basic '.length)] : []),
  ];
  return {
    async send(message: SmsMessage, context?: SmsSendContext): Promise<void> {
      await postToGateway({
        gateway: 'SMS webhook',
        url,
        headers: {
          ...baseHeaders,
          ...(context?.deliveryId ? { 'idempotency-key': context.deliveryId } : {}),
        },
        body: JSON.stringify({ to: message.to, body: message.body }),
        timeoutMs: options.timeoutMs ?? SMS_SEND_TIMEOUT_MS,
        secrets,
      });
    },
  };
}
