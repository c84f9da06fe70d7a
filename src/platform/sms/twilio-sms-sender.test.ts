// The Twilio adapter against a local node:http server that answers like
// Twilio's Messages API (path, Basic auth, form fields, error bodies).
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SmsRejectedError } from './sms-sender.ts';
import { createTwilioSmsSender, type TwilioSmsSenderOptions } from './twilio-sms-sender.ts';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const SERVICE = 'MG00112233445566778899aabbccddeeff';

interface TwilioRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly form: URLSearchParams;
}

interface FakeTwilio {
  readonly base: string;
  readonly requests: TwilioRequest[];
  /** Next answers; when empty, 201 with a queued message, as Twilio does. */
  readonly answers: { status: number; body: string }[];
  close(): Promise<void>;
}

async function startFakeTwilio(): Promise<FakeTwilio> {
  const requests: TwilioRequest[] = [];
  const answers: { status: number; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      raw += chunk;
    });
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        form: new URLSearchParams(raw),
      });
      const answer = answers.shift() ?? {
        status: 201,
        body: JSON.stringify({ sid: 'SM0123', status: 'queued', to: new URLSearchParams(raw).get('To') }),
      };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    answers,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

const twilioError = (status: number, code: number, message: string) => ({
  status,
  body: JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }),
});

describe('twilio SMS sender', () => {
  let twilio: FakeTwilio;
  let options: TwilioSmsSenderOptions;
  before(async () => {
    twilio = await startFakeTwilio();
    // A trailing slash, as an operator may write TWILIO_API_BASE.
    options = { accountSid: SID, authToken: TOKEN, from: '+15005550006', apiBase: `${twilio.base}/` };
  });
  after(() => twilio.close());
  beforeEach(() => {
    twilio.requests.length = 0;
    twilio.answers.length = 0;
  });

  it('posts To, From and Body, form encoded, with Basic auth, to the account Messages resource', async () => {
    await createTwilioSmsSender(options).send({ to: '+14155550100', body: 'Code 123456 & ünïcode+more' });
    assert.equal(twilio.requests.length, 1);
    const [request] = twilio.requests;
    assert.equal(request!.method, 'POST');
    assert.equal(request!.path, `/2010-04-01/Accounts/${SID}/Messages.json`);
    assert.equal(
      request!.headers.authorization,
      `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`,
    );
    assert.equal(request!.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(
      [...request!.form],
      [
        ['To', '+14155550100'],
        ['From', '+15005550006'],
        ['Body', 'Code 123456 & ünïcode+more'],
      ],
    );
  });

  it('sends a Messaging Service SID as MessagingServiceSid instead of From', async () => {
    await createTwilioSmsSender({ ...options, from: SERVICE }).send({ to: '+14155550100', body: 'hi' });
    const form = twilio.requests[0]!.form;
    assert.equal(form.get('MessagingServiceSid'), SERVICE);
    assert.equal(form.has('From'), false);

    // An alphanumeric sender id that merely starts with MG is still a From.
    await createTwilioSmsSender({ ...options, from: 'MGMRoster' }).send({ to: '+14155550100', body: 'hi' });
    assert.equal(twilio.requests[1]!.form.get('From'), 'MGMRoster');
    assert.equal(twilio.requests[1]!.form.has('MessagingServiceSid'), false);
  });

  it('reports a 4xx as permanent, with Twilio code and message (the number it quotes redacted)', async () => {
    const sender = createTwilioSmsSender(options);
    twilio.answers.push(twilioError(400, 21211, "The 'To' number +14155550100 is not a valid phone number."));
    await assert.rejects(sender.send({ to: '+14155550100', body: 'x' }), (error: unknown) => {
      assert.ok(error instanceof SmsRejectedError);
      assert.equal(
        error.message,
        "Twilio answered 400: error 21211: The 'To' number [phone] is not a valid phone number.",
      );
      return true;
    });
    twilio.answers.push(twilioError(401, 20003, 'Authenticate'));
    await assert.rejects(sender.send({ to: '+14155550100', body: 'x' }), SmsRejectedError);
  });

  it('leaves 5xx, 429 and 408 to retries', async () => {
    const sender = createTwilioSmsSender(options);
    twilio.answers.push(
      twilioError(500, 20500, 'Internal Server Error'),
      twilioError(429, 20429, 'Too Many Requests'),
      { status: 408, body: '' },
      { status: 502, body: '<html>Bad Gateway</html>' },
    );
    for (const expected of [
      /500: error 20500/,
      /429: error 20429/,
      /answered 408$/,
      /502: <html>Bad Gateway/,
    ]) {
      await assert.rejects(sender.send({ to: '+14155550100', body: 'x' }), (error: unknown) => {
        assert.ok(error instanceof Error && !(error instanceof SmsRejectedError));
        assert.match(error.message, expected);
        return true;
      });
    }
  });

  it('fails (to be retried) when Twilio cannot be reached', async () => {
    const gone = await startFakeTwilio();
    await gone.close();
    await assert.rejects(
      createTwilioSmsSender({ ...options, apiBase: gone.base }).send({ to: '+14155550100', body: 'x' }),
      (error: unknown) =>
        error instanceof Error && !(error instanceof SmsRejectedError) && /unreachable/.test(error.message),
    );
  });

  it('never puts the auth token in an error, even when the server echoes it', async () => {
    const basic = Buffer.from(`${SID}:${TOKEN}`).toString('base64');
    const sender = createTwilioSmsSender(options);
    for (const status of [401, 503]) {
      twilio.answers.push({
        status,
        body: JSON.stringify({ code: 20003, message: `bad credentials ${TOKEN} (Basic ${basic})` }),
      });
      await assert.rejects(sender.send({ to: '+14155550100', body: 'x' }), (error: unknown) => {
        const text = `${String(error)} ${(error as Error).stack} ${JSON.stringify(error)}`;
        assert.ok(!text.includes(TOKEN) && !text.includes(basic), `token leaked in: ${text}`);
        assert.match((error as Error).message, /bad credentials \[redacted\] \(Basic \[redacted\]\)/);
        return true;
      });
    }
    // Even a token that is cut short by the length limit leaves no prefix behind.
    twilio.answers.push({ status: 400, body: `${'x'.repeat(190)}${TOKEN}` });
    await assert.rejects(sender.send({ to: '+14155550100', body: 'x' }), (error: unknown) => {
      assert.ok(!(error as Error).message.includes(TOKEN.slice(0, 8)));
      return true;
    });
  });
});
