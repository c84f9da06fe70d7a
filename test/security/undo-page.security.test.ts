// The undo page is served under the app's Content-Security-Policy
// (default-src 'none'), which blocks inline style attributes: the page must
// carry none, so what it shows is what the browser renders.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildTestApp, type TestApp } from '../helpers/build-test-app.ts';
import { get, post } from '../helpers/client.ts';
import { testDialect } from '../helpers/dialect.ts';

const TOKEN = 'not-a-real-token-0123456789';

describe(`the undo page works under the CSP (${testDialect})`, () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(() => t.close());

  function assertNoInlineStyle(html: string, csp: unknown): void {
    assert.match(String(csp), /default-src 'none'/);
    assert.doesNotMatch(html, /\sstyle\s*=/i, html);
    assert.doesNotMatch(html, /<style/i, html);
  }

  it('GET shows the button without inline styles', async () => {
    const res = await get(t, `/undo-change?token=${TOKEN}`);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(res.body, /<form method="post" action="\/undo-change">/);
    assert.match(res.body, new RegExp(`name="token" value="${TOKEN}"`));
    assert.match(res.body, /<button type="submit">Undo the change and sign out everywhere<\/button>/);
    assertNoInlineStyle(res.body, res.headers['content-security-policy']);
  });

  it('POST with a dead link answers its page without inline styles', async () => {
    const res = await post(t, '/undo-change', `token=${TOKEN}`, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(res.statusCode, 422, res.body);
    assert.match(res.body, /This link no longer works/);
    assertNoInlineStyle(res.body, res.headers['content-security-policy']);
  });
});
