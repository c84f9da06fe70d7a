// Sessions and tokens: a session row per sign-in, a short-lived access JWT,
// and an opaque refresh token that rotates on every use. Presenting a used
// refresh token is treated as theft: the whole session is revoked.
import {
  type Principal as Caller,
  type UserPrincipal,
  userPrincipal,
} from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/clock.ts';
import { randomToken, sha256 } from '../../platform/crypto/tokens.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { afterCommit } from '../../platform/db/unit-of-work.ts';
import { newId } from '../../platform/ids.ts';
import { type Page, type PageRequest, pageFrom } from '../../platform/page.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { recordAudit } from '../audit/index.ts';
import type { AccessClaims, AccessTokens } from './access-token.ts';
import { ACCESS_TOKEN_TTL_SECONDS } from './access-token.ts';
import {
  type IntrospectionResult,
  inspectToken,
  isLive,
  sessionOfToken,
  tokenOwnerFor,
} from './introspection.ts';
import type { PresenceTracker } from './presence.ts';
import type { SessionState } from './session-state.ts';
import { sessionError } from './sessions.errors.ts';
import {
  deleteSessionsOfUser,
  findRefreshToken,
  findSession,
  insertRefreshToken,
  insertSession,
  listActiveGrants,
  listActiveSessions,
  revokeClientSessions,
  revokeSessions,
  type Session,
  setSessionScope,
  touchSession,
  useRefreshToken,
} from './sessions.repository.ts';

export const USER_SCOPE = 'user';
/** A used refresh token presented within this time of its rotation is refused without revoking the session. */
export const REUSE_GRACE_MS = 10_000;

export interface SessionsConfig {
  readonly idleTtlSeconds: number;
  readonly absoluteTtlSeconds: number;
}

/**
 * What user-facing services read of a signed-in user (the full principal,
 * with kind, role and actor, is platform/auth's UserPrincipal).
 */
export type Principal = Pick<UserPrincipal, 'userId' | 'sessionId' | 'scope' | 'authTime' | 'amr'>;

/**
 * Whether the principal's sign-in happened within `maxAgeSeconds`: for
 * surfaces whose clients send no re-authentication with a sensitive change
 * (the seed APIs), the change is allowed only this soon after a full sign-in.
 */
export function isFreshSignIn(principal: Principal, now: Date, maxAgeSeconds: number): boolean {
  const age = now.getTime() - new Date(principal.authTime).getTime();
  return age >= 0 && age <= maxAgeSeconds * 1000;
}

export interface SessionTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
  readonly sessionId: string;
}

export interface SessionsDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly tokens: AccessTokens;
  readonly state: SessionState;
  readonly config: SessionsConfig;
  /** Who is online: noted on every authenticated request, written in batches. */
  readonly presence?: PresenceTracker;
}

const iso = (d: Date) => d.toISOString();
const plus = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000);

export function createSessionsService(deps: SessionsDeps) {
  const { db, clock, tokens, state, config } = deps;
  const introspection = { db, clock, tokens, state };

  async function issueAccess(
    session: { id: string; userId: string; scope: string },
    refreshToken: string,
  ): Promise<SessionTokens> {
    const { token } = await tokens.sign({ sub: session.userId, sid: session.id, scope: session.scope });
    return {
      accessToken: token,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      sessionId: session.id,
    };
  }

  const idleExpiry = (now: Date, absolute: string) => {
    const idle = plus(now, config.idleTtlSeconds);
    return iso(idle) < absolute ? iso(idle) : absolute;
  };

  /** Revokes and, once committed, tells every node; returns the ids revoked. */
  async function revokeAndAnnounce(
    filter: { userId: string; sessionId?: string; exceptSessionId?: string; clientId?: string },
    reason: string,
    context: RequestContext,
  ): Promise<string[]> {
    const now = clock.now();
    const ids = await inTransaction(db, async (trx) => {
      const revoked = await revokeSessions(trx, filter, iso(now), reason);
      if (revoked.length > 0) {
        await recordAudit(
          trx,
          {
            type: 'session.revoked',
            userId: filter.userId,
            context,
            detail: { reason, count: revoked.length },
          },
          now,
        );
      }
      await afterCommit(trx, () => {
        // Whether the user is online follows their live sessions.
        deps.presence?.changed(filter.userId);
        return state.revoked(revoked);
      });
      return revoked;
    });
    return ids;
  }

  return {
    /** Opens a session inside the caller's transaction; returns its tokens. */
    async startSession(
      trx: Executor,
      input: { userId: string; amr: string[]; context: RequestContext; scope?: string },
    ): Promise<SessionTokens> {
      const now = clock.now();
      const expiresAt = iso(plus(now, config.absoluteTtlSeconds));
      const session = {
        id: newId(),
        userId: input.userId,
        createdAt: iso(now),
        lastSeenAt: iso(now),
        idleExpiresAt: idleExpiry(now, expiresAt),
        expiresAt,
        userAgent: input.context.userAgent,
        ip: input.context.ip,
        amr: input.amr,
        scope: input.scope ?? USER_SCOPE,
        clientId: null,
      };
      await insertSession(trx, session);
      await deps.presence?.signedIn(trx, input.userId, now);
      const refreshToken = randomToken();
      await insertRefreshToken(trx, sha256(refreshToken), session.id, iso(now));
      return issueAccess(session, refreshToken);
    },

    /**
     * Opens the session an OAuth client's grant is, inside the caller's
     * transaction, and returns its id (the grant's id). Its tokens are the
     * provider's: it has no refresh token of its own, and no idle expiry
     * beyond its end. `authTime` is the user's sign-in, so a grant is never
     * fresher than the sign-in it was made in.
     */
    async openGrant(
      trx: Executor,
      input: {
        userId: string;
        clientId: string;
        scope: string;
        amr: readonly string[];
        authTime: string;
        expiresAt: string;
        context: RequestContext;
      },
    ): Promise<string> {
      const id = newId();
      await insertSession(trx, {
        id,
        userId: input.userId,
        createdAt: input.authTime,
        lastSeenAt: iso(clock.now()),
        idleExpiresAt: input.expiresAt,
        expiresAt: input.expiresAt,
        userAgent: input.context.userAgent,
        ip: input.context.ip,
        amr: [...input.amr],
        scope: input.scope,
        clientId: input.clientId,
      });
      return id;
    },

    /** A grant's scope after the user consented to more. */
    setGrantScope: (trx: Executor, grantId: string, scope: string) => setSessionScope(trx, grantId, scope),

    /** The user's live grants (their authorised apps), newest first. */
    listGrants: (userId: string) => listActiveGrants(db, userId, iso(clock.now())),

    /**
     * Ends grants of a user: one (`grantId`), or every grant of a client
     * (`clientId`). Every node hears of it once committed; returns the ids.
     */
    revokeGrants(
      filter: { userId: string; grantId?: string; clientId?: string },
      reason: string,
      context: RequestContext,
    ): Promise<string[]> {
      return revokeAndAnnounce(
        {
          userId: filter.userId,
          ...(filter.grantId ? { sessionId: filter.grantId } : {}),
          ...(filter.clientId ? { clientId: filter.clientId } : {}),
        },
        reason,
        context,
      );
    },

    /** Ends every grant of a client, in the caller's transaction (the client's removal). */
    async revokeClientGrantsIn(trx: Executor, clientId: string): Promise<number> {
      const ids = await revokeClientSessions(trx, clientId, iso(clock.now()), 'client_removed');
      if (ids.length > 0) await afterCommit(trx, () => state.revoked(ids));
      return ids.length;
    },

    /** Signs a browser out (the provider's logout): ends its first-party session on every node. */
    async endBrowserSession(userId: string, sessionId: string, context: RequestContext): Promise<void> {
      await revokeAndAnnounce({ userId, sessionId }, 'logout', context);
    },

    /** Ends the session a grant stands for (the provider destroyed the grant). */
    async endGrant(grantId: string, context: RequestContext): Promise<void> {
      const session = await findSession(db, grantId);
      if (session?.clientId)
        await revokeAndAnnounce({ userId: session.userId, sessionId: grantId }, 'grant_revoked', context);
    },

    /** Whether the grant's session is live: false once it ended in any way. */
    grantIsLive: async (grantId: string): Promise<boolean> => (await state.lookup(grantId)) !== null,

    /** Rotates a refresh token. One token succeeds once; a used one revokes its session. */
    async refresh(
      refreshToken: string,
      context: RequestContext,
    ): Promise<{ userId: string; tokens: SessionTokens }> {
      const hash = sha256(refreshToken);
      const found = await findRefreshToken(db, hash);
      if (!found) throw sessionError('invalid_refresh_token');
      const session = await findSession(db, found.sessionId);
      const now = clock.now();
      if (!session || !isLive(session, iso(now))) throw sessionError('invalid_refresh_token');
      if (found.usedAt !== null) {
        // A client that sent one refresh twice at once (retries, two tabs) is
        // not a thief: shortly after the rotation a used token is only refused.
        // Later, it can only be a copy: the whole session ends.
        if (now.getTime() - new Date(found.usedAt).getTime() < REUSE_GRACE_MS) {
          throw sessionError('invalid_refresh_token', {
            internal: 'refresh token replayed within the grace period',
          });
        }
        await inTransaction(db, async (trx) => {
          const revoked = await revokeSessions(
            trx,
            { userId: session.userId, sessionId: session.id },
            iso(now),
            'refresh_token_reuse',
          );
          await recordAudit(
            trx,
            {
              type: 'session.refresh_reused',
              userId: session.userId,
              context,
              detail: { sessionId: session.id },
            },
            now,
          );
          await afterCommit(trx, () => state.revoked(revoked));
          return revoked;
        });
        throw sessionError('invalid_refresh_token', {
          internal: `refresh token reuse; session ${session.id} revoked`,
        });
      }
      const next = randomToken();
      await inTransaction(db, async (trx) => {
        // Only one of several concurrent presentations wins this update.
        if (!(await useRefreshToken(trx, hash, iso(now)))) {
          throw sessionError('invalid_refresh_token', { internal: 'concurrent refresh lost the race' });
        }
        await insertRefreshToken(trx, sha256(next), session.id, iso(now));
        await touchSession(trx, session.id, iso(now), idleExpiry(now, session.expiresAt), context.ip);
      });
      deps.presence?.seen(session.userId);
      return { userId: session.userId, tokens: await issueAccess(session, next) };
    },

    /**
     * A valid access token's claims: null when it is not valid, or names a
     * session that is no longer live (a client's own token names none).
     */
    async inspectAccessToken(accessToken: string): Promise<{ claims: AccessClaims } | null> {
      const claims = await tokens.verify(accessToken);
      if (!claims) return null;
      if (claims.sid !== undefined && !(await sessionOfToken(state, claims))) return null;
      return { claims };
    },

    /** The principal behind a valid access token of a live session. */
    async authenticate(accessToken: string): Promise<UserPrincipal> {
      const claims = await tokens.verify(accessToken);
      if (!claims) throw sessionError('invalid_token');
      const live = await sessionOfToken(state, claims);
      if (!live) throw sessionError('invalid_token', { internal: 'session ended' });
      deps.presence?.seen(claims.sub);
      return userPrincipal({
        userId: claims.sub,
        sessionId: claims.sid!,
        scope: claims.scope,
        authTime: live.authTime,
        amr: live.amr,
        ...(claims.clientId ? { clientId: claims.clientId } : {}),
      });
    },

    /** The principal's active sessions, newest first; the page key is a session id. */
    async listSessions(
      principal: Principal,
      page: PageRequest<string>,
    ): Promise<Page<Session & { current: boolean }, string>> {
      const rows = await listActiveSessions(db, principal.userId, iso(clock.now()), {
        limit: page.limit + 1,
        ...(page.after ? { beforeId: page.after } : {}),
      });
      const sessions = rows.map((s) => ({ ...s, current: s.id === principal.sessionId }));
      return pageFrom(sessions, page.limit, (s) => s.id);
    },

    async revokeSession(principal: Principal, sessionId: string, context: RequestContext): Promise<void> {
      const ids = await revokeAndAnnounce({ userId: principal.userId, sessionId }, 'logout', context);
      if (ids.length === 0) throw sessionError('session_not_found');
    },

    revokeAllSessions(
      userId: string,
      context: RequestContext,
      options: { except?: string; reason?: string } = {},
    ): Promise<string[]> {
      return revokeAndAnnounce(
        { userId, ...(options.except ? { exceptSessionId: options.except } : {}) },
        options.reason ?? 'logout_all',
        context,
      );
    },

    /** Erasure: deletes the user's sessions (revoke them first so every node hears of it). */
    forgetUser: (trx: Executor, userId: string) => deleteSessionsOfUser(trx, userId),

    /**
     * Revokes every session of a user inside the caller's transaction; the ids
     * are announced to every node once it commits (never for a rollback).
     */
    async revokeUserSessionsIn(
      trx: Executor,
      userId: string,
      reason: string,
      exceptSessionId?: string,
    ): Promise<string[]> {
      const ids = await revokeSessions(
        trx,
        { userId, ...(exceptSessionId ? { exceptSessionId } : {}) },
        iso(clock.now()),
        reason,
      );
      if (ids.length > 0)
        await afterCommit(trx, () => {
          deps.presence?.changed(userId);
          return state.revoked(ids);
        });
      return ids;
    },

    /**
     * RFC 7662 introspection (`tokens:introspect`). A user sees only their own
     * tokens (another user's reads `active: false`); a service key with the
     * scope, or the operator, sees any.
     */
    async introspect(caller: Caller, token: string): Promise<IntrospectionResult> {
      return inspectToken(introspection, token, tokenOwnerFor(caller, 'tokens:introspect'));
    },

    /**
     * RFC 7009 (`tokens:revoke`): ends the session a token belongs to, when
     * the caller may see it (as for introspection). Unknown tokens are no error.
     */
    async revokeToken(caller: Caller, token: string, context: RequestContext): Promise<void> {
      const info = await inspectToken(introspection, token, tokenOwnerFor(caller, 'tokens:revoke'));
      if (info.active)
        await revokeAndAnnounce({ userId: info.sub, sessionId: info.sid }, 'token_revoked', context);
    },
  };
}

export type SessionsService = ReturnType<typeof createSessionsService>;
export type { IntrospectionResult };
