// A real relying party against Roster's OpenID provider: the app listens on
// an ephemeral port (PUBLIC_URL is that address, so the issuer matches), a
// client is registered through the admin API, openid-client does the
// protocol, and a small cookie-keeping browser walks the hosted pages by
// posting their forms over HTTP.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import * as oidc from 'openid-client';
import { buildTestApp, type TestApp, type TestAppOptions } from './build-test-app.ts';
import { request } from './client.ts';
import { makeAdmin, session, verifiedAccount } from './factories.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Provider {
  readonly t: TestApp;
  readonly issuer: string;
  /** An admin's access token (registers clients). */
  readonly adminToken: string;
  close(): Promise<void>;
}

export async function startProvider(options: TestAppOptions = {}): Promise<Provider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const t = await buildTestApp({
    ...options,
    env: { PUBLIC_URL: issuer, ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false', ...options.env },
  });
  await t.app.listen({ port, host: '127.0.0.1' });
  // Verified in the database, so the admin exists whether sign-up asks for verification or not.
  const admin = await verifiedAccount(t, { label: 'oidc-admin' });
  await makeAdmin(t, admin.id);
  const { accessToken } = await session(t, admin.email, admin.password);
  return { t, issuer, adminToken: accessToken, close: () => t.close() };
}

export interface RegisteredClient {
  readonly clientId: string;
  readonly secret: string | null;
  readonly redirectUri: string;
}

export async function registerClient(
  p: Provider,
  body: Record<string, unknown> = {},
): Promise<RegisteredClient> {
  const redirectUri = (body.redirectUris as string[] | undefined)?.[0] ?? 'https://app.example/callback';
  const res = await request(p.t, 'POST', '/v1/admin/oauth-clients', {
    token: p.adminToken,
    body: {
      name: 'Example App',
      redirectUris: [redirectUri],
      postLogoutRedirectUris: ['https://app.example/signed-out'],
      scopes: ['openid', 'profile', 'email', 'offline_access', 'delegated:profile:read'],
      ...body,
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  const json = res.json();
  return { clientId: json.clientId, secret: json.clientSecret, redirectUri };
}

/** openid-client's configuration for the client, from discovery (http allowed: tests run on loopback). */
export function discover(p: Provider, client: RegisteredClient): Promise<oidc.Configuration> {
  return oidc.discovery(
    new URL(p.issuer),
    client.clientId,
    client.secret ?? undefined,
    client.secret ? oidc.ClientSecretBasic(client.secret) : oidc.None(),
    { execute: [oidc.allowInsecureRequests] },
  );
}

export interface Page {
  readonly status: number;
  readonly url: string;
  readonly body: string;
  readonly headers: Headers;
}

/** A browser without scripts: keeps the provider's cookies and stops at the first non-provider redirect. */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly origin: string;
  constructor(origin: string) {
    this.origin = origin;
  }

  private remember(headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** One request; no redirect followed. */
  async fetch(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Page> {
    const target = new URL(url, this.origin);
    const headers: Record<string, string> = {};
    if (target.origin === this.origin && this.cookies.size > 0) headers.cookie = this.cookieHeader();
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(target, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    if (target.origin === this.origin) this.remember(res.headers);
    return { status: res.status, url: target.href, body: await res.text(), headers: res.headers };
  }

  /** Follows redirects within the provider; returns the page it stops on, or the redirect away from it. */
  async go(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Page> {
    let page = await this.fetch(url, init);
    for (let hops = 0; hops < 10; hops++) {
      const location = page.headers.get('location');
      if (page.status < 300 || page.status >= 400 || !location) return page;
      const next = new URL(location, page.url);
      if (next.origin !== this.origin) return { ...page, url: next.href };
      page = await this.fetch(next.href);
    }
    throw new Error('too many redirects');
  }
}

/** The hidden inputs and action of the page's first form (or the one whose action ends with `suffix`). */
export function formOf(page: Page, suffix = ''): { action: string; fields: Record<string, string> } {
  const forms = [...page.body.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => f[1]!.endsWith(suffix));
  assert.ok(form, `a form ending ${suffix} on ${page.url}: ${page.body.slice(0, 400)}`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    fields[input[1]!] = input[2]!
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'");
  return { action: form[1]!.replace(/&amp;/g, '&'), fields };
}

/** Starts an authorization request with PKCE, state and nonce; the URL and what the callback needs. */
export async function authorization(
  config: oidc.Configuration,
  client: RegisteredClient,
  scope = 'openid profile email offline_access delegated:profile:read',
  extra: Record<string, string> = {},
) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: client.redirectUri,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(scope.includes('offline_access') ? { prompt: 'consent' } : {}),
    ...extra,
  });
  return { url, verifier, state, nonce };
}

export type Start = Awaited<ReturnType<typeof authorization>>;

/** The client's side of the callback: its code exchanged for tokens, with PKCE, state and nonce checked. */
export const exchangeCode = (config: oidc.Configuration, callback: URL, start: Start) =>
  oidc.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: start.verifier,
    expectedState: start.state,
    expectedNonce: start.nonce,
  });

/** Signs in on the hosted page and, when asked, consents; returns the redirect back to the client. */
export async function signInAndConsent(
  browser: Browser,
  url: URL | string,
  credentials: { identifier: string; password: string },
): Promise<Page> {
  let page = await browser.go(String(url));
  if (page.status === 200 && page.body.includes('name="password"')) {
    const form = formOf(page, '/login');
    page = await browser.go(form.action, { form: { ...form.fields, ...credentials } });
  }
  if (page.status === 200 && page.body.includes('value="allow"')) {
    const form = formOf(page, '/consent');
    page = await browser.go(form.action, { form: { ...form.fields, decision: 'allow' } });
  }
  return page;
}
