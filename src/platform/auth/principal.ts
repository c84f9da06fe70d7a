// Who is asking: a user (through a first-party session, or later an OAuth
// client acting for them), a service key, or the operator at the command
// line. Every face builds one of these; services that need authorization take
// it and ask the policy (policy.ts), and record its actor in the audit trail.

/**
 * Roles of the users table: `user`, the staff role `admin`, and the business
 * roles an operator names, which grant what `user` does. Only `admin` unlocks
 * the staff permissions.
 */
export type Role = string;

/** Who did it, as the audit trail records it. */
export type Actor =
  | { readonly type: 'user'; readonly id: string }
  | { readonly type: 'service'; readonly keyId: string }
  | { readonly type: 'cli' };

export interface UserPrincipal {
  readonly kind: 'user';
  readonly userId: string;
  readonly sessionId: string;
  /** The access token's scope as issued: space-separated scope words (`user` for a first-party session). */
  readonly scope: string;
  /** When this session's sign-in happened (ISO). Refreshing does not move it. */
  readonly authTime: string;
  /** How the user signed in (RFC 8176). */
  readonly amr: readonly string[];
  /** The OAuth client acting for the user; absent for a first-party session. */
  readonly clientId?: string;
  /**
   * The user's role, once a check that needs it has loaded it (staff
   * permissions only): reading it on every request would cost a query, and
   * the token does not carry it so that a changed role takes effect at once.
   */
  readonly role?: Role;
  readonly actor: Actor;
}

/**
 * How a service key begins (`rk_` + 256 random bits): what tells a key from an
 * access token in an Authorization header. Here, not in the sessions module
 * that issues keys, so the HTTP authenticator needs no module at run time.
 */
export const API_KEY_PREFIX = 'rk_';

export interface ServicePrincipal {
  readonly kind: 'service';
  readonly keyId: string;
  readonly name: string;
  /** The key's scopes: permission names, as issued (see SERVICE_SCOPES). */
  readonly scopes: readonly string[];
  readonly actor: Actor;
}

/** The operator at the machine (the CLI): they hold the database, so they hold every permission. */
export interface OperatorPrincipal {
  readonly kind: 'operator';
  readonly actor: { readonly type: 'cli' };
}

export type Principal = UserPrincipal | ServicePrincipal | OperatorPrincipal;

export const CLI_PRINCIPAL: OperatorPrincipal = Object.freeze({
  kind: 'operator',
  actor: Object.freeze({ type: 'cli' }),
});

export function userPrincipal(session: {
  userId: string;
  sessionId: string;
  scope: string;
  authTime: string;
  amr: readonly string[];
  clientId?: string;
}): UserPrincipal {
  return { kind: 'user', ...session, actor: { type: 'user', id: session.userId } };
}

export function servicePrincipal(key: {
  keyId: string;
  name: string;
  scopes: readonly string[];
}): ServicePrincipal {
  return { kind: 'service', ...key, actor: { type: 'service', keyId: key.keyId } };
}

/** The principal with its user's role known (see UserPrincipal.role). */
export const withRole = (principal: UserPrincipal, role: Role): UserPrincipal => ({ ...principal, role });

/**
 * The actor as audit details hold it: `{by: 'cli'}` (as rows before actors
 * had), `{by: 'user', actorId}` or `{by: 'service', actorId}` (the key's id).
 */
export function auditActor(actor: Actor): { by: Actor['type']; actorId?: string } {
  switch (actor.type) {
    case 'user':
      return { by: 'user', actorId: actor.id };
    case 'service':
      return { by: 'service', actorId: actor.keyId };
    case 'cli':
      return { by: 'cli' };
  }
}

/**
 * Who is looking at other users' views. A staff member sees staff roles only
 * when the credential carries a staff permission too: an admin's first-party
 * session does; a narrow token the admin gave an app does not. Internal
 * callers that pass a bare user id see as the account's role allows.
 */
export interface Viewer {
  readonly userId: string;
  /** Whether the credential grants a staff permission (users:read). */
  readonly staffScope: boolean;
}

export type ViewerRef = string | Viewer;

export const viewerIdOf = (viewer: ViewerRef): string =>
  typeof viewer === 'string' ? viewer : viewer.userId;
export const staffScopeOf = (viewer: ViewerRef): boolean => typeof viewer === 'string' || viewer.staffScope;
