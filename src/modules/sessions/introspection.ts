// RFC 7662 token introspection, and who may see whose token: a user only
// their own (another user's token reads `active: false`, as if unknown), a
// service key holding the permission, or the operator, anyone's. Revocation
// (RFC 7009) follows the same rule.
import type { Permission } from '../../platform/auth/policy.ts';
import { policy } from '../../platform/auth/policy.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/clock.ts';
import { sha256 } from '../../platform/crypto/tokens.ts';
import type { Executor } from '../../platform/db/executor.ts';
import type { AccessClaims, AccessTokens } from './access-token.ts';
import type { LiveSession, SessionState } from './session-state.ts';
import { findRefreshToken, findSession, type Session } from './sessions.repository.ts';

export type IntrospectionResult =
  | { active: false }
  | {
      active: true;
      sub: string;
      sid: string;
      scope: string;
      exp: number;
      iat: number;
      token_type: 'access_token' | 'refresh_token';
    };

export interface IntrospectionDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly tokens: AccessTokens;
  readonly state: SessionState;
}

/**
 * The live session a verified access token belongs to, or null: the session
 * must be live, be the token's user's, and name the same client as the token
 * (a grant's tokens name its client; a first-party session's name none).
 */
export async function sessionOfToken(state: SessionState, claims: AccessClaims): Promise<LiveSession | null> {
  if (claims.sid === undefined) return null;
  const live = await state.lookup(claims.sid);
  if (!live || live.userId !== claims.sub || live.clientId !== (claims.clientId ?? null)) return null;
  return live;
}

/** A session is live until it is revoked, reaches its absolute expiry, or stays idle too long. */
export function isLive(session: Session, now: string): boolean {
  return session.revokedAt === null && session.expiresAt > now && session.idleExpiresAt > now;
}

/**
 * Whose tokens the caller may introspect or revoke: the owner filter is the
 * user's own id, or undefined (anyone's) for a service key or the operator.
 * Throws when the caller lacks the permission.
 */
export function tokenOwnerFor(
  caller: Principal,
  permission: Extract<Permission, 'tokens:introspect' | 'tokens:revoke'>,
): string | undefined {
  policy.require(caller, permission);
  return caller.kind === 'user' ? caller.userId : undefined;
}

/**
 * The state of a token (access JWT or refresh token). A token of another user
 * than `owner` (when given) reads only `active: false`.
 */
export async function inspectToken(
  deps: IntrospectionDeps,
  token: string,
  owner: string | undefined,
): Promise<IntrospectionResult> {
  const inactive = { active: false } as const;
  if (token.split('.').length === 3) {
    const claims = await deps.tokens.verify(token);
    if (!claims) return inactive;
    const live = await sessionOfToken(deps.state, claims);
    if (!live || (owner !== undefined && claims.sub !== owner)) return inactive;
    return {
      active: true,
      sub: claims.sub,
      sid: claims.sid!,
      scope: claims.scope,
      exp: claims.exp,
      iat: claims.iat,
      token_type: 'access_token',
    };
  }
  const found = await findRefreshToken(deps.db, sha256(token));
  if (!found || found.usedAt !== null) return inactive;
  const session = await findSession(deps.db, found.sessionId);
  const now = deps.clock.now().toISOString();
  if (!session || !isLive(session, now) || (owner !== undefined && session.userId !== owner)) return inactive;
  return {
    active: true,
    sub: session.userId,
    sid: session.id,
    scope: session.scope,
    exp: Math.floor(new Date(session.idleExpiresAt).getTime() / 1000),
    iat: Math.floor(new Date(session.createdAt).getTime() / 1000),
    token_type: 'refresh_token',
  };
}
