// Picks the SMS adapter from configuration (SMS_TRANSPORT): .json files in the
// data dir by default, or a webhook, or Twilio.
import type { Config } from '../../config/load-config.ts';
import type { Clock } from '../clock.ts';
import { createOutboxSmsSender, smsOutboxDir } from './outbox-sms-sender.ts';
import type { SmsSender } from './sms-sender.ts';
import { createTwilioSmsSender } from './twilio-sms-sender.ts';
import { createWebhookSmsSender } from './webhook-sms-sender.ts';

export type SmsSenderConfig = Pick<Config, 'sms' | 'dataDir'>;

export function createSmsSender(config: SmsSenderConfig, clock?: Clock): SmsSender {
  const sms = config.sms;
  switch (sms.transport) {
    case 'webhook':
      return createWebhookSmsSender({ url: sms.url });
    case 'twilio':
      return createTwilioSmsSender({
        accountSid: sms.accountSid,
        authToken: sms.authToken,
        from: sms.from,
        apiBase: sms.apiBase,
      });
    case 'outbox':
      return createOutboxSmsSender({ dir: smsOutboxDir(config.dataDir), ...(clock ? { clock } : {}) });
  }
}
