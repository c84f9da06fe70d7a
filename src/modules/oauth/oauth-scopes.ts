// The scopes Roster's provider grants: OpenID Connect's, which select claims
// of the ID token and userinfo, and the delegated and admin scopes of the
// seed APIs, which the native API enforces per route.
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'phone', 'offline_access'] as const;

export const API_SCOPES = [
  'delegated:profile:read',
  'delegated:profile:write',
  'delegated:profile:search',
  'delegated:social:follow:read',
  'delegated:social:follow:write',
  'delegated:social:block:write',
  'delegated:social:invite-code:read',
  'admin:profile:write',
] as const;

export const OAUTH_SCOPES: readonly string[] = [...OIDC_SCOPES, ...API_SCOPES];
