// The soak's OpenID traffic: an app signing a user in through the hosted
// pages, as a browser without scripts would (authorize, the sign-in form,
// consent the first time, the code back), then the app's token exchange,
// an introspection of the new access token and a refresh. One operation is
// several requests; its answer is the first that went wrong, or the refresh.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { MAIN } from '../test/helpers/spawn-server.ts';
import { BENCH_PASSWORD } from './accounts.ts';
import { type Answer, REQUEST_TIMEOUT_MS } from './soak-traffic.ts';

export interface SoakClient {
  readonly clientId: string;
  readonly secret: string;
  readonly redirectUri: string;
}

const REDIRECT_URI = 'https://soak.example/callback';
const SCOPE = 'openid profile email offline_access delegated:profile:read';

/** Registers the soak's app with the CLI, on the server's data (its directory and environment). */
export function registerSoakClient(cwd: string, env: NodeJS.ProcessEnv): SoakClient {
  const args = ['client', 'create', '--name', 'Soak App', '--redirect-uri', REDIRECT_URI, '--json'];
  for (const scope of SCOPE.split(' ')) args.push('--scope', scope);
  const run = spawnSync(process.execPath, [MAIN, ...args], { cwd, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`client create failed: ${run.stderr}`);
  const made = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
    clientId: string;
    clientSecret: string;
  };
  return { clientId: made.clientId, secret: made.clientSecret, redirectUri: REDIRECT_URI };
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');

function pkce() {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
}

/** A cookie-keeping fetch that follows no redirect. */
function browser(origin: string) {
  const jar = new Map<string, string>();
  return async (url: string, form?: Record<string, string>) => {
    const target = new URL(url, origin);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(target, {
      method: form ? 'POST' : 'GET',
      headers,
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text(), url: target };
  };
}

/** The action and hidden fields of the page's form whose action ends with `suffix`. */
function form(body: string, suffix: string): { action: string; fields: Record<string, string> } | null {
  for (const match of body.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)) {
    if (!match[1]!.endsWith(suffix)) continue;
    const fields: Record<string, string> = {};
    for (const input of match[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
      fields[input[1]!] = input[2]!.replace(/&amp;/g, '&');
    return { action: match[1]!.replace(/&amp;/g, '&'), fields };
  }
  return null;
}

export function oauthSignIn(baseUrl: string, client: SoakClient) {
  const basic = `Basic ${Buffer.from(`${client.clientId}:${client.secret}`).toString('base64')}`;
  const backend = async (path: string, params: Record<string, string>): Promise<Answer> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const failed = (status: number, body: unknown): Answer => ({ status: status < 400 ? 599 : status, body });

  return async (email: string): Promise<Answer> => {
    const go = browser(baseUrl);
    const { verifier, challenge } = pkce();
    const state = b64url(randomBytes(12));
    const query = new URLSearchParams({
      client_id: client.clientId,
      response_type: 'code',
      redirect_uri: client.redirectUri,
      scope: SCOPE,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      prompt: 'consent',
    });
    // Follow the provider's redirects until a page or the way back to the app.
    let page = await go(`/oauth/authorize?${query}`);
    for (let hops = 0; hops < 12; hops++) {
      if (page.status >= 300 && page.status < 400 && page.location) {
        const next = new URL(page.location, page.url);
        if (next.origin !== new URL(baseUrl).origin) break;
        page = await go(next.href);
        continue;
      }
      if (page.status !== 200) return failed(page.status, page.body.slice(0, 200));
      const login = form(page.body, '/login');
      const consent = form(page.body, '/consent');
      if (login)
        page = await go(login.action, { ...login.fields, identifier: email, password: BENCH_PASSWORD });
      else if (consent) page = await go(consent.action, { ...consent.fields, decision: 'allow' });
      else return failed(page.status, page.body.slice(0, 200));
    }
    const back = page.location ? new URL(page.location, page.url) : null;
    const code = back?.searchParams.get('code');
    if (!code || back?.searchParams.get('state') !== state) return failed(page.status, page.location);

    const tokens = await backend('/oauth/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
    });
    const issued = tokens.body as { access_token?: string; refresh_token?: string } | null;
    if (tokens.status !== 200 || !issued?.access_token || !issued.refresh_token)
      return failed(tokens.status, tokens.body);
    const introspected = await backend('/oauth/introspect', { token: issued.access_token });
    if ((introspected.body as { active?: boolean } | null)?.active !== true)
      return failed(introspected.status, introspected.body);
    return backend('/oauth/token', { grant_type: 'refresh_token', refresh_token: issued.refresh_token });
  };
}
