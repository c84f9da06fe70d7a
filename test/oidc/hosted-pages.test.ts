// The hosted pages beside the password form: sign-in by phone code (it ends
// in the same consent and code as the password), and the account pages the
// sign-in page links to (create an account, verify it from the mail, forget
// and reset a password), each a form over the API's own flow.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type * as oidc from 'openid-client';
import { buildTestApp } from '../helpers/build-test-app.ts';
import { freshEmail, freshPassword, verifiedAccount } from '../helpers/factories.ts';
import {
  authorization,
  Browser,
  discover,
  exchangeCode,
  formOf,
  type Page,
  type Provider,
  type RegisteredClient,
  registerClient,
  startProvider,
} from '../helpers/oidc.ts';
import { freshPhone, smsCodeReader } from '../helpers/phones.ts';
import { startSmsWebhook, type TestSmsWebhook } from '../helpers/sms-webhook.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';

let p: Provider;
let smtp: TestSmtpServer;
let sms: TestSmsWebhook;
let client: RegisteredClient;
let config: oidc.Configuration;
let smsCode: (phone: string) => Promise<string>;

before(async () => {
  smtp = await startSmtpServer();
  sms = await startSmsWebhook();
  p = await startProvider({
    env: {
      SMTP_URL: smtp.url,
      SMS_TRANSPORT: 'webhook',
      SMS_WEBHOOK_URL: sms.url,
      ROSTER_REQUIRE_EMAIL_VERIFICATION: 'true',
    },
  });
  client = await registerClient(p);
  config = await discover(p, client);
  smsCode = smsCodeReader(sms);
});

after(async () => {
  await p.close();
  await smtp.close();
  await sms.close();
});

/** The sign-in page of a fresh authorization request in a new browser. */
async function signInPage(browser = new Browser(p.issuer)) {
  const flow = await authorization(config, client, 'openid profile delegated:profile:read');
  const page = await browser.go(flow.url.href);
  assert.equal(page.status, 200);
  assert.match(page.body, /name="password"/);
  const uid = /\/oauth\/interaction\/([A-Za-z0-9_-]+)\/login/.exec(page.body)?.[1];
  assert.ok(uid, 'the sign-in form names its interaction');
  return { browser, flow, page, uid };
}

const linkIn = (page: Page, text: string) => {
  const href = new RegExp(`<a href="([^"]+)">${text}</a>`).exec(page.body)?.[1];
  assert.ok(href, `a link "${text}" on ${page.url}`);
  return href.replace(/&amp;/g, '&');
};

/** Consents when asked and returns the code the client receives. */
async function consentAndCode(
  browser: Browser,
  page: Page,
  flow: Awaited<ReturnType<typeof signInPage>>['flow'],
) {
  if (page.status === 200 && page.body.includes('value="allow"')) {
    const form = formOf(page, '/consent');
    page = await browser.go(form.action, { form: { ...form.fields, decision: 'allow' } });
  }
  assert.equal(page.status, 303, page.body.slice(0, 300));
  const callback = new URL(page.url);
  assert.equal(`${callback.origin}${callback.pathname}`, client.redirectUri);
  const tokens = await exchangeCode(config, callback, flow);
  return tokens;
}

const mailText = async (to: string, subject: RegExp) =>
  (await smtp.waitFor((m) => m.envelopeTo.includes(to) && subject.test(m.subject))).text;

describe('the sign-in page', () => {
  test('links to the phone form of its interaction, and to the account pages with a way back', async () => {
    const { page, uid } = await signInPage();
    assert.equal(linkIn(page, 'Sign in with a phone code'), `/oauth/interaction/${uid}/phone`);
    assert.equal(linkIn(page, 'Forgot password\\?'), `/forgot-password?interaction=${uid}`);
    assert.equal(linkIn(page, 'Create an account'), `/signup?interaction=${uid}`);
  });
});

describe('sign-in by phone code', () => {
  test('a number, the texted code, then consent: the code and tokens name the account of that number', async () => {
    const { browser, flow, uid } = await signInPage();
    const phonePage = await browser.go(`/oauth/interaction/${uid}/phone`);
    assert.equal(phonePage.status, 200);
    assert.match(phonePage.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    const phone = freshPhone();
    const numberForm = formOf(phonePage, '/phone');
    const codePage = await browser.go(numberForm.action, {
      form: { ...numberForm.fields, phone: phone.typed },
    });
    assert.equal(codePage.status, 200);
    assert.match(codePage.body, /a code is on its way/);
    const codeForm = formOf(codePage, '/phone/verify');
    assert.ok(codeForm.fields.oti, 'the code form carries the one-time identifier');

    // A wrong code shows the same form again with the error, and the right one still works.
    const code = await smsCode(phone.e164);
    const wrong = await browser.go(codeForm.action, {
      form: { ...codeForm.fields, code: String((Number(code) + 1) % 1_000_000).padStart(6, '0') },
    });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /That code is not right/);
    const retry = formOf(wrong, '/phone/verify');
    const done = await browser.go(retry.action, { form: { ...retry.fields, code } });
    const tokens = await consentAndCode(browser, done, flow);
    const claims = tokens.claims()!;
    const row = await p.t.db.database.db
      .selectFrom('users')
      .select(['id', 'phone'])
      .where('id', '=', claims.sub)
      .executeTakeFirstOrThrow();
    assert.equal(row.phone, phone.e164, 'the ID token names the account of the number');
    // The browser is signed in: the next authorization needs no page at all.
    const again = await authorization(config, client, 'openid profile delegated:profile:read');
    const next = await browser.go(again.url.href);
    assert.equal(next.status, 303);
    assert.ok(new URL(next.url).searchParams.get('code'));
  });

  test('a number that cannot receive texts is refused on the form, and nothing is sent', async () => {
    const { browser, uid } = await signInPage();
    const form = formOf(await browser.go(`/oauth/interaction/${uid}/phone`), '/phone');
    const before = sms.messages.length;
    const page = await browser.go(form.action, { form: { ...form.fields, phone: '12' } });
    assert.equal(page.status, 422);
    assert.match(page.body, /not a phone number we can send a code to/);
    assert.equal(sms.messages.length, before);
  });

  test('a code form without its CSRF token, or with a forged one, is refused', async () => {
    const { browser, uid } = await signInPage();
    const form = { phone: freshPhone().e164, oti: 'x', code: '123456' };
    const missing = await browser.go(`/oauth/interaction/${uid}/phone/verify`, { form });
    assert.equal(missing.status, 400);
    const forged = await browser.go(`/oauth/interaction/${uid}/phone/verify`, {
      form: { ...form, _csrf: 'forged' },
    });
    assert.equal(forged.status, 403);
    assert.match(forged.body, /The form expired/);
  });
});

describe('create an account', () => {
  test('errors name their fields; then the account, its mail link verifies on a form (not on GET), and sign-in works', async () => {
    const { browser, flow, uid } = await signInPage();
    const signup = await browser.go(`/signup?interaction=${uid}`);
    assert.equal(signup.status, 200);
    const form = formOf(signup, '/signup');
    assert.equal(form.fields.interaction, uid);
    const email = freshEmail('hosted');
    const password = freshPassword();

    const bad = await browser.go(form.action, {
      form: { ...form.fields, email: 'not-an-address', password, username: 'a b' },
    });
    assert.equal(bad.status, 422);
    assert.match(bad.body, /id="email-error"/);
    assert.match(bad.body, /id="username-error"/);
    assert.doesNotMatch(bad.body, new RegExp(password), 'the password is never echoed');
    const weak = await browser.go(form.action, {
      form: { ...formOf(bad, '/signup').fields, email, password: 'password' },
    });
    assert.equal(weak.status, 422);
    assert.match(weak.body, /id="password-error"/);
    assert.equal(
      await p.t.db.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst(),
      undefined,
      'a refused form makes no account',
    );

    const made = await browser.go(form.action, {
      form: { ...formOf(weak, '/signup').fields, email, password },
    });
    assert.equal(made.status, 201);
    assert.match(made.body, /Check your email/);
    assert.equal(linkIn(made, 'Back to sign-in'), `/oauth/interaction/${uid}`);

    const link = /https?:\/\/\S+\/verify-email\?token=\S+/.exec(await mailText(email, /verify/i))?.[0];
    assert.ok(link, 'the verification mail links to the hosted page');
    const verifyPage = await browser.go(link);
    assert.equal(verifyPage.status, 200);
    const stillUnverified = await p.t.db.database.db
      .selectFrom('users')
      .select('email_verified_at')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    assert.equal(stillUnverified.email_verified_at, null, 'opening the link alone verifies nothing');
    const verifyForm = formOf(verifyPage, '/verify-email');
    const wrongPassword = await browser.go(verifyForm.action, {
      form: { ...verifyForm.fields, password: 'not it at all' },
    });
    assert.equal(wrongPassword.status, 401);
    const verified = await browser.go(verifyForm.action, {
      form: { ...formOf(wrongPassword, '/verify-email').fields, password },
    });
    assert.equal(verified.status, 200);
    assert.match(verified.body, /is verified/);

    // Back on the sign-in page: the new account signs in with the password it kept.
    const back = await browser.go(`/oauth/interaction/${uid}`);
    const login = formOf(back, '/login');
    const after = await browser.go(login.action, { form: { ...login.fields, identifier: email, password } });
    const tokens = await consentAndCode(browser, after, flow);
    assert.ok(tokens.access_token);
  });

  test('a taken address gets the same page as a new one', async () => {
    const taken = await verifiedAccount(p.t);
    const signUp = async (email: string) => {
      const browser = new Browser(p.issuer);
      const form = formOf(await browser.go('/signup'), '/signup');
      return browser.go(form.action, { form: { ...form.fields, email, password: freshPassword() } });
    };
    const strip = (page: Page) => page.body.replace(/value="[^"]*"|nonce="[^"]*"/g, '');
    const old = await signUp(taken.email);
    const fresh = await signUp(freshEmail('fresh'));
    assert.equal(old.status, 201);
    assert.equal(fresh.status, old.status);
    assert.equal(strip(fresh), strip(old));
  });

  test('a sign-up with a forged CSRF token is refused and makes nothing', async () => {
    const browser = new Browser(p.issuer);
    await browser.go('/signup');
    const email = freshEmail('forged');
    const page = await browser.go('/signup', { form: { _csrf: 'forged', email, password: freshPassword() } });
    assert.equal(page.status, 403);
    assert.equal(
      await p.t.db.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst(),
      undefined,
    );
  });
});

describe('forgot and reset a password', () => {
  test('the mailed code on the next form sets a new password, which then signs in', async () => {
    const user = await verifiedAccount(p.t);
    const { browser, flow, uid } = await signInPage();
    const forgot = formOf(await browser.go(`/forgot-password?interaction=${uid}`), '/forgot-password');
    const sent = await browser.go(forgot.action, { form: { ...forgot.fields, email: user.email } });
    assert.equal(sent.status, 202);
    const code = /code is: (\d{6})/.exec(await mailText(user.email, /reset/i))?.[1];
    assert.ok(code);
    const reset = formOf(sent, '/reset-password');
    assert.equal(reset.fields.email, user.email);
    const newPassword = freshPassword();
    const wrong = await browser.go(reset.action, {
      form: { ...reset.fields, code: String((Number(code) + 1) % 1_000_000).padStart(6, '0'), newPassword },
    });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /not right, or it expired/);
    const done = await browser.go(reset.action, {
      form: { ...formOf(wrong, '/reset-password').fields, code, newPassword },
    });
    assert.equal(done.status, 200);
    assert.equal(linkIn(done, 'Back to sign-in'), `/oauth/interaction/${uid}`);

    const login = formOf(await browser.go(`/oauth/interaction/${uid}`), '/login');
    const old = await browser.go(login.action, {
      form: { ...login.fields, identifier: user.email, password: user.password },
    });
    assert.equal(old.status, 401, 'the old password no longer signs in');
    const again = formOf(old, '/login');
    const signedIn = await browser.go(again.action, {
      form: { ...again.fields, identifier: user.email, password: newPassword },
    });
    assert.ok((await consentAndCode(browser, signedIn, flow)).access_token);
  });

  test('an unknown address gets the same page as a known one', async () => {
    const known = await verifiedAccount(p.t);
    const browser = new Browser(p.issuer);
    const strip = (page: Page) => page.body.replace(/value="[^"]*"|nonce="[^"]*"/g, '');
    const ask = async (email: string) => {
      const form = formOf(await browser.go('/forgot-password'), '/forgot-password');
      return browser.go(form.action, { form: { ...form.fields, email } });
    };
    const a = await ask(known.email);
    const b = await ask(freshEmail('nobody'));
    assert.equal(a.status, b.status);
    assert.equal(strip(a), strip(b));
  });

  test('the mail link opens a form for the new password; a weak one is refused and the token still works', async () => {
    const user = await verifiedAccount(p.t);
    const browser = new Browser(p.issuer);
    const forgot = formOf(await browser.go('/forgot-password'), '/forgot-password');
    await browser.go(forgot.action, { form: { ...forgot.fields, email: user.email } });
    const link = /https?:\/\/\S+\/reset-password\?token=\S+/.exec(await mailText(user.email, /reset/i))?.[0];
    assert.ok(link);
    const page = await browser.go(link);
    assert.equal(page.status, 200);
    const form = formOf(page, '/reset-password');
    assert.ok(form.fields.token);
    const weak = await browser.go(form.action, { form: { ...form.fields, newPassword: 'password' } });
    assert.equal(weak.status, 422);
    assert.match(weak.body, /id="newPassword-error"/);
    const done = await browser.go(form.action, {
      form: { ...formOf(weak, '/reset-password').fields, newPassword: freshPassword() },
    });
    assert.equal(done.status, 200);
    const spent = await browser.go(form.action, {
      form: { ...formOf(await browser.go(link), '/reset-password').fields, newPassword: freshPassword() },
    });
    assert.equal(spent.status, 401, 'a link works once');
  });
});

describe('the account pages follow the password policy', () => {
  test('the forms ask for the configured minimum length', async () => {
    const t = await buildTestApp({ env: { ROSTER_PASSWORD_MIN_LENGTH: '12' } });
    try {
      for (const path of ['/signup', '/reset-password?token=abcdefghijklmnop']) {
        const res = await t.app.inject({ method: 'GET', url: path });
        assert.equal(res.statusCode, 200, path);
        assert.match(res.body, /minlength="12"/, path);
        assert.match(res.body, /At least 12 characters/, path);
      }
    } finally {
      await t.close();
    }
  });
});
