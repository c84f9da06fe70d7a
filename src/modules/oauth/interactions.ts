// The interactions the hosted pages drive: what a pending sign-in or consent
// asks for (and what Roster's policy makes of it: whether a live session
// answers, whether the user is asked), and their outcomes handed back to the
// provider. A consent opens or grows the grant, a session of the user's.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { Config } from '../../config/load-config.ts';
import type { Clock } from '../../platform/clock.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import type { BrowserSession, SessionsService } from '../sessions/index.ts';
import { findUserById } from '../users/index.ts';
import type { OAuthClients } from './oauth-clients.service.ts';

/** What a pending interaction asks for, for the hosted pages. */
export interface InteractionView {
  readonly uid: string;
  readonly prompt: 'login' | 'consent';
  readonly clientId: string;
  readonly clientName: string;
  /** The scopes the consent page lists: not yet granted, or all asked for when the user must be asked again. */
  readonly scopes: readonly string[];
  /** The account the provider's session is signed in as (consent). */
  readonly accountId: string | null;
  /** How the consent page names that account to its owner: the address, else the username or number. */
  readonly accountName: string | null;
  /**
   * Sign-in: whether a live Roster session of the browser may answer it.
   * Not when the client wants a fresh sign-in (`prompt=login`, a `max_age`
   * the session is older than) or names a user (`id_token_hint`, a `sub`
   * claim), whom the page's sign-in must then prove.
   */
  readonly reuseSession: boolean;
  /**
   * Consent: whether the user is asked. Not for a first-party client, nor
   * when every scope is granted already, unless the client asks again
   * (`prompt=consent`) or is a native app, whose redirect URI any app on the
   * device may claim (RFC 8252 §8.6).
   */
  readonly askConsent: boolean;
}

/** The login prompt's reasons a live Roster session answers: there was no provider session, or it ended. */
const SESSION_ANSWERS = new Set(['no_session', 'roster_session_ended']);
/** The consent prompt's reasons that ask the user even for scopes granted before. */
const ASK_AGAIN = new Set(['consent_prompt', 'native_client_prompt']);

type PromptDetails = { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };

/** The scopes a consent prompt finds not yet granted, OpenID and API ones together. */
const missingScopes = (details: unknown): string[] => {
  const missing = details as PromptDetails;
  return [
    ...new Set([
      ...(missing.missingOIDCScope ?? []),
      ...Object.values(missing.missingResourceScopes ?? {}).flat(),
    ]),
  ];
};

const scopeSet = (scope: string) => new Set(scope.split(' ').filter(Boolean));

export function createInteractions(deps: {
  readonly current: () => Promise<Provider>;
  readonly db: Executor;
  readonly clock: Clock;
  readonly config: Pick<Config, 'sessionAbsoluteTtlSeconds'>;
  readonly clients: Pick<OAuthClients, 'lookup'>;
  readonly sessions: Pick<SessionsService, 'openGrant' | 'setGrantScope'>;
  readonly issuer: string;
}) {
  const { current, db, clock, config, clients, sessions, issuer } = deps;
  type Req = IncomingMessage;
  type Res = ServerResponse;

  async function view(provider: Provider, req: Req, res: Res): Promise<InteractionView> {
    const details = await provider.interactionDetails(req, res);
    const clientId = String(details.params.client_id);
    const client = await clients.lookup(clientId);
    const prompt = details.prompt.name === 'login' ? 'login' : 'consent';
    const reasons = details.prompt.reasons;
    let scopes = missingScopes(details.prompt.details);
    const askAgain = reasons.some((r) => ASK_AGAIN.has(r));
    if (scopes.length === 0 && askAgain) {
      const allowed = new Set(client?.scopes ?? []);
      scopes = [...scopeSet(String(details.params.scope ?? ''))].filter((s) => allowed.has(s));
    }
    const accountId = details.session?.accountId ?? null;
    const user = prompt === 'consent' && accountId ? await findUserById(db, accountId) : undefined;
    return {
      uid: details.uid,
      prompt,
      clientId,
      clientName: client?.name ?? clientId,
      scopes,
      accountId,
      accountName: user ? (user.email ?? (user.username ? `@${user.username}` : user.phone)) : null,
      reuseSession: reasons.every((r) => SESSION_ANSWERS.has(r)),
      askConsent: !client?.firstParty && scopes.length > 0,
    };
  }

  return {
    /** What the pending interaction of this browser asks for (throws when there is none). */
    async details(req: Req, res: Res): Promise<InteractionView> {
      return view(await current(), req, res);
    },

    /** The sign-in is done: the provider's session follows the browser's Roster session. Returns where to go. */
    async signedIn(req: Req, res: Res, session: BrowserSession): Promise<string> {
      const provider = await current();
      return provider.interactionResult(
        req,
        res,
        {
          login: {
            accountId: session.userId,
            amr: [...session.amr],
            ts: Math.floor(new Date(session.authTime).getTime() / 1000),
            remember: false,
          },
        },
        { mergeWithLastSubmission: false },
      );
    },

    /**
     * The user agreed: the grant (a session standing for it, made now or
     * grown) gains the scopes asked for. Returns where to go.
     */
    async consented(req: Req, res: Res, session: BrowserSession, context: RequestContext): Promise<string> {
      const provider = await current();
      const details = await provider.interactionDetails(req, res);
      const clientId = String(details.params.client_id);
      if (details.session?.accountId !== session.userId)
        throw new Error('the consent is not the signed-in user’s'); // the page never offers it
      // The client may have been removed while its consent page was open: no grant for it.
      if (!(await clients.lookup(clientId)))
        throw Object.assign(new Error('the client is gone'), { name: 'SessionNotFound' });
      const missing = details.prompt.details as PromptDetails;
      let grant = details.grantId ? await provider.Grant.find(details.grantId) : undefined;
      if (!grant) {
        const grantId = await inTransaction(db, (trx) =>
          sessions.openGrant(trx, {
            userId: session.userId,
            clientId,
            scope: '',
            amr: session.amr,
            authTime: session.authTime,
            expiresAt: new Date(
              clock.now().getTime() + config.sessionAbsoluteTtlSeconds * 1000,
            ).toISOString(),
            context,
          }),
        );
        grant = new provider.Grant({ jti: grantId, accountId: session.userId, clientId } as never);
      }
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
        grant.addResourceScope(resource, scopes.join(' '));
      const grantId = await grant.save();
      const granted = new Set([
        ...grant.getOIDCScope().split(' '),
        ...(grant.getResourceScope(issuer) ?? '').split(' '),
      ]);
      await sessions.setGrantScope(db, grantId, [...granted].filter(Boolean).join(' '));
      return provider.interactionResult(
        req,
        res,
        { consent: { grantId } },
        { mergeWithLastSubmission: true },
      );
    },

    /** The user said no, or the sign-in was abandoned: the client hears access_denied. */
    async denied(req: Req, res: Res, description: string): Promise<string> {
      const provider = await current();
      return provider.interactionResult(
        req,
        res,
        { error: 'access_denied', error_description: description },
        { mergeWithLastSubmission: false },
      );
    },
  };
}
