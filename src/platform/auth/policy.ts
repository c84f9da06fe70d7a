// Named permissions, what grants each, and the one check services and routes
// make: `policy.require(principal, 'profile:write')`.
//
// A permission is granted by two things at once: the credential's scope (the
// token's scope words, or a service key's scopes) and, for staff permissions,
// the user's role. First-party sessions carry the scope `user`, which grants
// every permission, so for them only the role matters; an OAuth client's token
// carries the delegated scopes its user consented to (API.md), each granting
// one permission. A token without a route's permission is a 403
// `insufficient_scope`; a service key without it a 403 `forbidden`, as always.
import { commonError } from '../errors.ts';
import { type Principal, type Role, type UserPrincipal, withRole } from './principal.ts';

/** Every permission, with what it lets the holder do. Routes and services name these. */
export const PERMISSIONS = {
  'profile:read': 'Read my profile, public profiles of others and the tag list',
  'profile:write': 'Change my profile',
  'profile:search': 'Search and list the directory',
  'social:follow:read': 'My followers, whom I follow, follow requests, how I relate to a user',
  'social:follow:write': 'Follow and unfollow, answer follow requests, remove followers',
  'social:block:read': 'The users I block',
  'social:block:write': 'Block and unblock users',
  'social:bookmark:read': 'The users I bookmarked',
  'social:bookmark:write': 'Bookmark users and remove bookmarks',
  'invite-code:read': 'My invite codes and who used them',
  'invite-code:write': 'Make invite codes',
  'account:write': 'Change the password or phone number, resend verification, delete the account',
  'mfa:read': 'My second factors',
  'mfa:write': 'Add and remove second factors, replace recovery codes',
  'sessions:read': 'My sessions',
  'sessions:write': 'End my sessions',
  'tokens:introspect': 'Introspect tokens (a user: only their own)',
  'tokens:revoke': 'Revoke tokens (a user: only their own)',
  'users:read': 'Look accounts up by phone number or address (staff)',
  'users:write': 'Create, ban and delete accounts (staff)',
  'standing:write': "Set an account's role, type, verification status and restriction (staff)",
  'subscriptions:write': "Set an account's subscription tier and its end (staff)",
  'scores:write': "Set or add to an account's score (staff)",
  'achievements:write': "Raise an account's achievement progress (staff)",
  'admin:profile:write': "Change another user's profile (staff)",
  'report:write': 'Report content or a user',
  'reports:moderate': 'Read the report queue and resolve reports (staff)',
  'oauth-clients:manage': 'Register OAuth clients, rotate their secrets and remove them (staff)',
  'activity:read': 'My daily activity',
  'activity:write':
    'Record activity events (service keys; users for themselves where the operator allows it)',
} as const;

export type Permission = keyof typeof PERMISSIONS;

const ALL = Object.keys(PERMISSIONS) as Permission[];

/** Permissions that also need a staff role (or a service key holding them, or the operator). */
const STAFF_ONLY: ReadonlySet<Permission> = new Set([
  'users:read',
  'users:write',
  'standing:write',
  'subscriptions:write',
  'scores:write',
  'achievements:write',
  'admin:profile:write',
  'reports:moderate',
  'oauth-clients:manage',
]);

const USER_GRANTS: ReadonlySet<Permission> = new Set(ALL.filter((p) => !STAFF_ONLY.has(p)));
/** What a role grants: everything for staff, what `user` grants for every other role. */
const roleGrants = (role: Role): ReadonlySet<Permission> => (role === 'admin' ? new Set(ALL) : USER_GRANTS);

/** The scope of first-party sessions (the native sign-in): it grants every permission. */
export const FIRST_PARTY_SCOPE = 'user';

/**
 * Scope words a user's token may carry and the permissions each grants. The
 * OIDC scopes (`openid profile email phone offline_access`) shape the ID
 * token and userinfo only: they grant no native route. Unknown words grant
 * nothing.
 */
export const SCOPE_GRANTS: Readonly<Record<string, readonly Permission[]>> = {
  [FIRST_PARTY_SCOPE]: ALL,
  'delegated:profile:read': ['profile:read'],
  'delegated:profile:write': ['profile:write'],
  'delegated:profile:search': ['profile:search'],
  'delegated:social:follow:read': ['social:follow:read'],
  'delegated:social:follow:write': ['social:follow:write'],
  'delegated:social:block:write': ['social:block:write'],
  'delegated:social:invite-code:read': ['invite-code:read'],
  'admin:profile:write': ['admin:profile:write'],
};

export const isPermission = (value: string): value is Permission => Object.hasOwn(PERMISSIONS, value);

// Scope strings come from tokens this service signed: few distinct values.
const grantsCache = new Map<string, ReadonlySet<Permission>>();
const GRANTS_CACHE_SIZE = 1_000;

/** The permissions a token's scope (space-separated words) grants. */
export function grantedByScope(scope: string): ReadonlySet<Permission> {
  let granted = grantsCache.get(scope);
  if (!granted) {
    granted = new Set(
      scope.split(' ').flatMap((word) => (Object.hasOwn(SCOPE_GRANTS, word) ? SCOPE_GRANTS[word]! : [])),
    );
    if (grantsCache.size >= GRANTS_CACHE_SIZE) grantsCache.delete(grantsCache.keys().next().value!);
    grantsCache.set(scope, granted);
  }
  return granted;
}

/**
 * The scope a client should ask for to get the permission (the `scope` of a
 * 403's WWW-Authenticate): its delegated or admin scope, or `user` when only
 * a first-party session grants it.
 */
export function scopeFor(permission: Permission): string {
  const words = Object.keys(SCOPE_GRANTS).filter(
    (word) => word !== FIRST_PARTY_SCOPE && SCOPE_GRANTS[word]!.includes(permission),
  );
  return words.length > 0 ? words.join(' ') : FIRST_PARTY_SCOPE;
}

/** Whether the credential (token scope, key scopes) grants the permission; roles aside. */
export function hasScope(principal: Principal, permission: Permission): boolean {
  switch (principal.kind) {
    case 'operator':
      return true;
    case 'service':
      return principal.scopes.includes(permission);
    case 'user':
      return grantedByScope(principal.scope).has(permission);
  }
}

/** Whether a check of this permission must know the user's role first (see UserPrincipal.role). */
export const needsRole = (principal: Principal, permission: Permission): principal is UserPrincipal =>
  principal.kind === 'user' && STAFF_ONLY.has(permission) && principal.role === undefined;

/** Whether the principal may use the permission. A staff permission with no role loaded is refused. */
export function can(principal: Principal, permission: Permission): boolean {
  if (!hasScope(principal, permission)) return false;
  if (principal.kind !== 'user' || !STAFF_ONLY.has(permission)) return true;
  return principal.role !== undefined && roleGrants(principal.role).has(permission);
}

/** Throws unless the credential grants the permission (what a route checks before its handler). */
export function requireScope(principal: Principal, permission: Permission): void {
  if (hasScope(principal, permission)) return;
  if (principal.kind === 'service') {
    throw commonError('forbidden', { detail: `The service key lacks the ${permission} scope.` });
  }
  throw commonError('insufficient_scope', {
    detail: `The token's scope does not include ${permission} (scope ${scopeFor(permission)}).`,
  });
}

/** Throws unless the principal may use the permission: scope, then role. */
export function requirePermission(principal: Principal, permission: Permission): void {
  requireScope(principal, permission);
  if (!can(principal, permission)) {
    throw commonError('forbidden', { detail: `Needs the ${permission} scope or the admin role.` });
  }
}

/**
 * requirePermission for callers that may hold a user principal without its
 * role: reads the role with `roleOf` first when the permission needs it.
 * Returns the principal as checked (with the role, if it was read).
 */
export async function authorize<P extends Principal>(
  principal: P,
  permission: Permission,
  roleOf: (userId: string) => Promise<Role>,
): Promise<P | UserPrincipal> {
  const checked = needsRole(principal, permission)
    ? withRole(principal, await roleOf(principal.userId))
    : principal;
  requirePermission(checked, permission);
  return checked;
}

/** The policy as services call it: `policy.require(principal, 'profile:write')`. */
export const policy = { can, require: requirePermission, requireScope, needsRole, authorize } as const;
