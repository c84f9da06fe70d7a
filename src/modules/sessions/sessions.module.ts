// The sessions module as the composition root builds it: signing keys (loaded
// and reloaded in the background), the revocation state shared by every node,
// sessions and access tokens, service keys; and its part of every account's
// lifecycle (an erased account's sessions go).
import type { Platform } from '../../platform/platform.ts';
import { ACCESS_TOKEN_TTL_SECONDS, createAccessTokens } from './access-token.ts';
import { createApiKeys } from './api-keys.ts';
import { BROWSER_COOKIE, createBrowserCookie } from './browser-cookie.ts';
import { createPresence } from './presence.ts';
import { createSessionState } from './session-state.ts';
import { createSessionsService } from './sessions.service.ts';
import { createKeyStore, SigningKeyError } from './signing-keys.ts';

export interface BrowserSession {
  readonly sessionId: string;
  readonly userId: string;
  /** When the sign-in happened (ISO). */
  readonly authTime: string;
  readonly amr: readonly string[];
}

export function createSessionsModule(p: Platform) {
  const { db, clock, config, logger } = p;
  const keys = createKeyStore({
    db,
    encrypter: p.encrypter,
    clock,
    tokenLifetimeMs: ACCESS_TOKEN_TTL_SECONDS * 1000,
    onReloadError: (err) => logger.warn({ err }, 'signing keys could not be reloaded'),
  });
  const state = createSessionState({ db, clock, events: p.events });
  const presence = createPresence({
    db,
    clock,
    windowSeconds: config.presenceWindowSeconds,
    onFlushError: (err) => logger.warn({ err }, 'presence not written'),
  });
  const sessions = createSessionsService({
    db,
    clock,
    tokens: createAccessTokens({ keys, clock, issuer: config.publicUrl }),
    state,
    presence,
    config: {
      idleTtlSeconds: config.sessionIdleTtlSeconds,
      absoluteTtlSeconds: config.sessionAbsoluteTtlSeconds,
    },
  });
  const cookie = createBrowserCookie(p.keys('session-cookie'));
  /** The hosted pages' session: a first-party session named by a signed cookie. */
  const browser = {
    cookieName: BROWSER_COOKIE,
    valueFor: cookie.valueFor,
    /** The live first-party session the cookie names, or null. */
    async signedIn(value: string | undefined): Promise<BrowserSession | null> {
      const sessionId = cookie.sessionOf(value);
      const live = sessionId ? await state.lookup(sessionId) : null;
      if (!sessionId || !live || live.clientId !== null) return null;
      return { sessionId, userId: live.userId, authTime: live.authTime, amr: live.amr };
    },
  };
  p.hooks.on('accountErased', (trx, e) => sessions.forgetUser(trx, e.userId));
  p.hooks.on('accountErased', (trx, e) => presence.forget(trx, e.userId));

  return {
    sessions,
    browser,
    presence,
    keys,
    apiKeys: createApiKeys({ db, clock }),
    /** The revocation subscription, then the signing keys and their periodic reload. */
    async start(): Promise<void> {
      await state.start();
      presence.start();
      // A changed ROSTER_SECRET stops start-up with a message saying so; a
      // database that is down does not: /readyz reports it, and the reload
      // task loads the keys when it answers.
      await keys.start().catch((err: unknown) => {
        if (err instanceof SigningKeyError) throw err;
        logger.warn({ err }, 'signing keys not loaded yet');
      });
    },
    async stop(): Promise<void> {
      keys.stop();
      await presence.stop().catch((err: unknown) => logger.warn({ err }, 'presence not written'));
      await state.stop();
    },
  };
}
