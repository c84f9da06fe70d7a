// What the provider's lifecycle tests need beyond oidc.ts: a second app node
// taking over the first one's address (a restart), the operator's tools as
// they run beside the server (the CLI's key rotation and ban, on the same
// database), and checks on what a relying party gets back.
import assert from 'node:assert/strict';
import { decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import { compose, type Roster } from '../../src/compose.ts';
import { ACCESS_TOKEN_TTL_SECONDS, createKeyStore } from '../../src/modules/sessions/index.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { createEncrypter } from '../../src/platform/crypto/encryption.ts';
import type { EventBus } from '../../src/platform/events/event-bus.ts';
import { buildTestApp, type TestApp } from './build-test-app.ts';
import type { Page, Provider, RegisteredClient } from './oidc.ts';

/**
 * Closes the provider's app and starts a new one on the same database, with
 * the same configuration (secret, PUBLIC_URL), listening on the same port.
 * The database must be the caller's (startProvider({ db })), or closing the
 * first app would drop it.
 */
export async function restartProvider(p: Provider): Promise<TestApp> {
  await p.close();
  const t = await buildTestApp({
    db: p.t.db,
    env: { PUBLIC_URL: p.issuer, ROSTER_REQUIRE_EMAIL_VERIFICATION: 'false' },
  });
  await t.app.listen({ port: Number(new URL(p.issuer).port), host: '127.0.0.1' });
  return t;
}

/** `roster keys rotate` on the provider's database: a new key of each kind signs from now on. */
export async function rotateKeys(p: Provider, clock: Clock): Promise<string> {
  const keys = createKeyStore({
    db: p.t.db.database.db,
    encrypter: createEncrypter(p.t.config.secrets),
    clock,
    tokenLifetimeMs: ACCESS_TOKEN_TTL_SECONDS * 1000,
  });
  await keys.reload();
  return keys.rotate();
}

/**
 * The operator's node (what `roster user ban` composes) on the provider's
 * database, publishing on `events`: the bus the app listens on, as nodes
 * sharing REDIS_URL do. Without it the app would believe a session it had
 * cached for up to its cache TTL (cross-node.security.test.ts).
 */
export function operatorNode(p: Provider, events: EventBus): Roster {
  return compose(p.t.config, p.t.db.database, systemClock, p.t.app.log, { hasher: p.t.hasher, events });
}

/** The `kid` a JWT names. */
export const kidOf = (jwt: string): string | undefined => decodeProtectedHeader(jwt).kid;

/** Asserts the page is the redirect back to the client with a code (no page was shown); the callback URL. */
export function assertCodeRedirect(page: Page, client: RegisteredClient): URL {
  assert.ok(
    page.status === 302 || page.status === 303,
    `a redirect, not ${page.status}: ${page.body.slice(0, 300)}`,
  );
  const callback = new URL(page.url);
  assert.equal(callback.origin + callback.pathname, client.redirectUri, page.url);
  assert.equal(callback.searchParams.get('error'), null, page.url);
  assert.ok(callback.searchParams.get('code'), `a code in ${page.url}`);
  return callback;
}

/** Asserts the refresh token is refused with invalid_grant. */
export async function assertRefreshRefused(config: oidc.Configuration, refreshToken: string): Promise<void> {
  await assert.rejects(
    oidc.refreshTokenGrant(config, refreshToken),
    (error: unknown) => error instanceof oidc.ResponseBodyError && error.error === 'invalid_grant',
  );
}

/** Whether the page is the hosted sign-in form, the second-factor form or the consent form. */
export const isSignIn = (page: Page) =>
  /name="password"/.test(page.body) && /action="[^"]*\/login"/.test(page.body);
export const isMfa = (page: Page) =>
  /name="mfaToken"/.test(page.body) && /action="[^"]*\/mfa"/.test(page.body);
export const isConsent = (page: Page) => page.status === 200 && /value="allow"/.test(page.body);
