// Request URLs reach the log without secrets and without who they are about:
// email addresses and phone numbers in paths and query strings (look-ups by
// number, existence checks, searches) are replaced, as are link tokens and
// the signatures of media links.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { get } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';
import { captureLog } from '../helpers/log-capture.ts';

describe(`request URLs in logs (${testDialect})`, () => {
  const log = captureLog();
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ logger: log.logger });
  });
  after(() => t.close());

  /** The URL each logged request line carries for this request. */
  async function loggedUrl(url: string): Promise<string> {
    const res = await get(t, url);
    const line = log.lines.find(
      (l) => l.reqId === res.headers['x-request-id'] && (l.req as { url?: string } | undefined)?.url,
    );
    assert.ok(line, `a request line for ${url}`);
    return (line.req as { url: string }).url;
  }

  it('phone numbers in paths, in any spelling', async () => {
    assert.equal(await loggedUrl('/v1/users/by-phone/%2B4915112345678'), '/v1/users/by-phone/[redacted]');
    assert.equal(await loggedUrl('/v1/users/by-phone/+4915112345678'), '/v1/users/by-phone/[redacted]');
    assert.equal(await loggedUrl('/v1/users/by-phone/015112345678'), '/v1/users/by-phone/[redacted]');
  });

  it('emails and phone numbers in query strings, by name or by look, other parameters kept', async () => {
    const exists = await loggedUrl('/v1/users/exists?email=ada%40example.com&phone=%2B4915112345678');
    assert.equal(exists, '/v1/users/exists?email=%5Bredacted%5D&phone=%5Bredacted%5D');
    const search = await loggedUrl('/v1/users?q=ada@example.com&limit=5');
    assert.equal(search, '/v1/users?q=%5Bredacted%5D&limit=5');
    assert.equal(await loggedUrl('/v1/users?q=ada&limit=5'), '/v1/users?q=ada&limit=5');
    assert.equal(await loggedUrl('/v1/tags?q=%2B49%20151%201234567'), '/v1/tags?q=%5Bredacted%5D');
  });

  it('the signatures of media links and presigned URLs, the expiry kept', async () => {
    assert.equal(
      await loggedUrl('/media/uploads/x?expires=1796188250&signature=c2lnbmF0dXJlLW9mLWEtbGluaw'),
      '/media/uploads/x?expires=1796188250&signature=%5Bredacted%5D',
    );
    const presigned = await loggedUrl(
      '/media/a?X-Amz-Credential=AKIAEXAMPLE%2F20261202&X-Amz-Signature=deadbeefcafe&X-Amz-Expires=60',
    );
    assert.equal(
      presigned,
      '/media/a?X-Amz-Credential=%5Bredacted%5D&X-Amz-Signature=%5Bredacted%5D&X-Amz-Expires=60',
    );
    assert.doesNotMatch(log.text(), /c2lnbmF0dXJlLW9mLWEtbGluaw|deadbeefcafe|AKIAEXAMPLE/);
  });

  it('link tokens, and nothing of the above anywhere in the log', async () => {
    assert.equal(
      await loggedUrl('/reset-password?token=Zm9vYmFyYmF6cXV4cXV1eA'),
      '/reset-password?token=%5Bredacted%5D',
    );
    await loggedUrl('/verify-email?token=c2VjcmV0LWxpbmstdG9rZW4&email=ada%40example.com');
    const text = log.text();
    for (const leaked of [
      'ada@example.com',
      'ada%40example.com',
      '4915112345678',
      '015112345678',
      '1234567',
    ]) {
      assert.ok(!text.includes(leaked), `${leaked} reached the log`);
    }
    assert.doesNotMatch(text, /Zm9vYmFyYmF6cXV4cXV1eA|c2VjcmV0LWxpbmstdG9rZW4/);
  });
});
