// createSmsSender follows SMS_TRANSPORT: each configuration reaches its own
// transport (a folder, a local webhook, a local stand-in for Twilio).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startSmsWebhook } from '../../../test/helpers/sms-webhook.ts';
import { ManualClock } from '../clock.ts';
import { createSmsSender } from './create-sms-sender.ts';
import { smsOutboxDir } from './outbox-sms-sender.ts';

const message = { to: '+14155550100', body: 'code 777777' };

describe('createSmsSender', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'roster-sms-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('writes to <data dir>/outbox/sms with SMS_TRANSPORT=outbox', async () => {
    const sender = createSmsSender(
      { sms: { transport: 'outbox' }, dataDir },
      new ManualClock('2026-03-04T05:06:07.000Z'),
    );
    await sender.send(message);
    const [file] = await readdir(smsOutboxDir(dataDir));
    assert.match(file ?? '', /^2026-03-04T05-06-07\.000Z-.+\.json$/);
    assert.deepEqual(JSON.parse(await readFile(join(smsOutboxDir(dataDir), file!), 'utf8')), {
      ...message,
      createdAt: '2026-03-04T05:06:07.000Z',
    });
  });

  it('posts to SMS_WEBHOOK_URL with SMS_TRANSPORT=webhook', async () => {
    const hook = await startSmsWebhook();
    try {
      const emptyDir = join(dataDir, 'unused');
      await createSmsSender({ sms: { transport: 'webhook', url: hook.url }, dataDir: emptyDir }).send(
        message,
      );
      assert.deepEqual((await hook.waitFor()).body, message.body);
      await assert.rejects(readdir(emptyDir), { code: 'ENOENT' });
    } finally {
      await hook.close();
    }
  });

  it('calls the Twilio API at TWILIO_API_BASE with SMS_TRANSPORT=twilio', async () => {
    const seen: string[] = [];
    const twilio = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume().on('end', () => res.writeHead(201).end('{"sid":"SM1"}'));
    });
    await new Promise<void>((resolve) => twilio.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = twilio.address() as AddressInfo;
      const sender = createSmsSender({
        sms: {
          transport: 'twilio',
          accountSid: 'AC1',
          authToken: 'token',
          from: '+15005550006',
          apiBase: `http://127.0.0.1:${port}`,
        },
        dataDir,
      });
      await sender.send(message);
      assert.deepEqual(seen, ['POST /2010-04-01/Accounts/AC1/Messages.json']);
    } finally {
      twilio.closeAllConnections();
      await new Promise((resolve) => twilio.close(resolve));
    }
  });
});
