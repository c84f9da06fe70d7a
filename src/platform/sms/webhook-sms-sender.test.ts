// The webhook adapter against a real HTTP server on localhost.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startSmsWebhook, type TestSmsWebhook } from '../../../test/helpers/sms-webhook.ts';
import { SmsRejectedError } from './sms-sender.ts';
import { createWebhookSmsSender } from './webhook-sms-sender.ts';

const message = { to: '+14155550100', body: 'Your Roster code is 123456' };
const retryable = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof Error);
  assert.ok(!(error instanceof SmsRejectedError), `expected a retryable error, got ${error.name}`);
  assert.match(error.message, pattern);
  return true;
};
const permanent = (pattern: RegExp) => (error: unknown) => {
  assert.ok(error instanceof SmsRejectedError, `expected SmsRejectedError, got ${String(error)}`);
  assert.match(error.message, pattern);
  return true;
};

describe('webhook SMS sender', () => {
  let hook: TestSmsWebhook;
  before(async () => {
    hook = await startSmsWebhook();
  });
  after(() => hook.close());
  beforeEach(() => {
    hook.respondWith(null);
    hook.messages.length = 0;
    hook.requests.length = 0;
  });

  it('posts {to, body} as JSON; the delivery id is the Idempotency-Key', async () => {
    const sender = createWebhookSmsSender({ url: hook.url });
    await sender.send(message, { deliveryId: '0190d2c0-0000-7000-8000-00000000000a' });
    const sms = await hook.waitFor((m) => m.to === message.to);
    assert.equal(sms.body, message.body);
    assert.match(sms.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(sms.headers['idempotency-key'], '0190d2c0-0000-7000-8000-00000000000a');
    assert.equal(sms.headers.authorization, undefined);

    await sender.send({ to: '+33612345678', body: 'no id' });
    const plain = await hook.waitFor((m) => m.to === '+33612345678');
    assert.equal(plain.headers['idempotency-key'], undefined, 'no header without a delivery id');
  });

  it('leaves 5xx, 408 and 429 to retries, and records nothing sent', async () => {
    const sender = createWebhookSmsSender({ url: hook.url });
    for (const status of [500, 503, 408, 429]) {
      hook.respondWith({ status, body: 'busy, try later' });
      await assert.rejects(
        sender.send(message),
        retryable(new RegExp(`SMS webhook answered ${status}: busy`)),
      );
    }
    assert.equal(hook.requests.length, 4);
    assert.equal(hook.messages.length, 0);
  });

  it('reports any other 4xx, and a redirect, as permanent', async () => {
    const sender = createWebhookSmsSender({ url: hook.url });
    hook.respondWith({ status: 400, body: 'invalid number' });
    await assert.rejects(sender.send(message), permanent(/SMS webhook answered 400: invalid number/));
    hook.respondWith(404);
    await assert.rejects(sender.send(message), permanent(/answered 404$/));
    hook.respondWith(302);
    await assert.rejects(sender.send(message), permanent(/answered 302 \(redirects are not followed\)/));
  });

  it('fails (to be retried) when the gateway is down or too slow', async () => {
    const down = await startSmsWebhook();
    await down.close();
    await assert.rejects(
      createWebhookSmsSender({ url: down.url }).send(message),
      retryable(/SMS webhook unreachable: .*ECONNREFUSED/),
    );

    hook.respondWith({ status: 204, delayMs: 2_000 });
    await assert.rejects(
      createWebhookSmsSender({ url: hook.url, timeoutMs: 100 }).send(message),
      retryable(/SMS webhook did not answer within 100 ms/),
    );
  });

  it('sends URL credentials as Basic auth and never quotes the URL, its key or password', async () => {
    // A gateway that echoes everything back in its refusal.
    const echo = createServer((req, res) => {
      res.writeHead(401).end(`denied ${req.url} ${req.headers.authorization}`);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const { port } = echo.address() as AddressInfo;
    try {
      const url = `http://gw-user:s3cret-pass@127.0.0.1:${port}/sms?key=K3Y-0123456789`;
      await assert.rejects(createWebhookSmsSender({ url }).send(message), (error: unknown) => {
        assert.ok(error instanceof SmsRejectedError);
        const text = `${String(error)} ${JSON.stringify(error)}`;
        for (const secret of [
          's3cret-pass',
          'K3Y-0123456789',
          Buffer.from('gw-user:s3cret-pass').toString('base64'),
        ]) {
          assert.ok(!text.includes(secret), `${secret} leaked in: ${text}`);
        }
        assert.equal(error.message, 'SMS webhook answered 401: denied /sms[redacted] Basic [redacted]');
        return true;
      });
      // And the header really was sent.
      const seen = await new Promise<string | undefined>((resolve) => {
        echo.removeAllListeners('request');
        echo.on('request', (req, res) => {
          resolve(req.headers.authorization);
          res.writeHead(204).end();
        });
        void createWebhookSmsSender({ url: `http://a%40b:p%3Aw@127.0.0.1:${port}/sms` }).send(message);
      });
      assert.equal(seen, `Basic ${Buffer.from('a@b:p:w').toString('base64')}`);
    } finally {
      echo.closeAllConnections();
      await new Promise((resolve) => echo.close(resolve));
    }
  });
});
