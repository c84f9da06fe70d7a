// Phone numbers and SMS codes for tests: a fresh valid number per call, and a
// reader that takes each code sent to a number once, oldest first.
import assert from 'node:assert/strict';
import type { TestSmsWebhook } from './sms-webhook.ts';

let counter = 0;

/** A fresh, valid German mobile number, in E.164 and typed with spaces. */
export function freshPhone(): { e164: string; typed: string } {
  const digits = String(10_000_000 + (((Date.now() % 9_000_000) + counter++ * 7919) % 89_999_999)).padStart(
    8,
    '0',
  );
  return { e164: `+49151${digits}`, typed: `+49 (151) ${digits.slice(0, 4)} ${digits.slice(4)}` };
}

/** The 6-digit code of the next SMS to a number that no earlier call returned. */
export function smsCodeReader(sms: TestSmsWebhook): (phone: string) => Promise<string> {
  const seen = new Set<unknown>();
  return async (phone) => {
    const message = await sms.waitFor((m) => m.to === phone && !seen.has(m));
    seen.add(message);
    const code = /\b(\d{6})\b/.exec(message.body)?.[1];
    assert.ok(code, 'the SMS carries a 6-digit code');
    return code;
  };
}
