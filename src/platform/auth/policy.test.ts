// The policy alone: what scopes grant, what roles add, and who is refused with which code.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../domain-error.ts';
import {
  authorize,
  can,
  FIRST_PARTY_SCOPE,
  grantedByScope,
  isPermission,
  PERMISSIONS,
  type Permission,
  policy,
  SCOPE_GRANTS,
  scopeFor,
} from './policy.ts';
import { CLI_PRINCIPAL, servicePrincipal, type UserPrincipal, userPrincipal } from './principal.ts';

const user = (scope: string, role?: UserPrincipal['role']): UserPrincipal => {
  const principal = userPrincipal({
    userId: 'u1',
    sessionId: 's1',
    scope,
    authTime: '2026-01-01T00:00:00.000Z',
    amr: ['pwd'],
  });
  return role ? { ...principal, role } : principal;
};

function refusedWith(code: string, work: () => void): void {
  assert.throws(work, (error: unknown) => error instanceof DomainError && error.code === code);
}

describe('policy', () => {
  it('a first-party session grants every permission; the staff ones need the admin role', () => {
    assert.equal(grantedByScope(FIRST_PARTY_SCOPE).size, Object.keys(PERMISSIONS).length);
    const member = user(FIRST_PARTY_SCOPE, 'user');
    const admin = user(FIRST_PARTY_SCOPE, 'admin');
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
      assert.equal(can(admin, permission), true, permission);
    }
    assert.equal(can(member, 'profile:write'), true);
    for (const staff of ['users:read', 'users:write', 'admin:profile:write'] as const) {
      assert.equal(can(member, staff), false, staff);
      refusedWith('forbidden', () => policy.require(member, staff));
    }
    // A staff permission checked before the role is known is refused, never assumed.
    refusedWith('forbidden', () => policy.require(user(FIRST_PARTY_SCOPE), 'users:read'));
  });

  it('maps every OAuth scope of the API onto a permission, and nothing else onto any', () => {
    const apiScopes = {
      'delegated:profile:read': 'profile:read',
      'delegated:profile:write': 'profile:write',
      'delegated:profile:search': 'profile:search',
      'delegated:social:follow:read': 'social:follow:read',
      'delegated:social:follow:write': 'social:follow:write',
      'delegated:social:block:write': 'social:block:write',
      'delegated:social:invite-code:read': 'invite-code:read',
      'admin:profile:write': 'admin:profile:write',
    };
    for (const [scope, permission] of Object.entries(apiScopes)) {
      assert.deepEqual([...grantedByScope(scope)], [permission], scope);
    }
    for (const granted of Object.values(SCOPE_GRANTS)) assert.ok(granted.every(isPermission));
    assert.deepEqual([...grantedByScope('openid profile email phone offline_access')], []);
    assert.deepEqual([...grantedByScope('profile:read __proto__ constructor')], []);
    assert.deepEqual(
      [...grantedByScope('openid delegated:profile:read delegated:social:follow:read')],
      ['profile:read', 'social:follow:read'],
    );
  });

  it('a narrow token is refused with insufficient_scope, whatever the role', () => {
    const narrow = user('delegated:profile:read', 'admin');
    policy.require(narrow, 'profile:read');
    refusedWith('insufficient_scope', () => policy.require(narrow, 'profile:write'));
    refusedWith('insufficient_scope', () => policy.require(narrow, 'users:read'));
    assert.equal(scopeFor('profile:write'), 'delegated:profile:write');
    assert.equal(scopeFor('mfa:write'), FIRST_PARTY_SCOPE, 'only a first-party session grants it');
  });

  it('a service key holds its scopes only, refused with forbidden; the operator holds everything', () => {
    const key = servicePrincipal({ keyId: 'k1', name: 'gateway', scopes: ['tokens:introspect'] });
    policy.require(key, 'tokens:introspect');
    refusedWith('forbidden', () => policy.require(key, 'users:read'));
    refusedWith('forbidden', () => policy.require(key, 'profile:read'));
    for (const permission of Object.keys(PERMISSIONS) as Permission[]) {
      policy.require(CLI_PRINCIPAL, permission);
    }
  });

  it('authorize reads the role only for a staff permission not yet known', async () => {
    const reads: string[] = [];
    const roleOf = async (userId: string) => {
      reads.push(userId);
      return 'admin' as const;
    };
    await authorize(user(FIRST_PARTY_SCOPE), 'profile:write', roleOf);
    assert.deepEqual(reads, []);
    const checked = await authorize(user(FIRST_PARTY_SCOPE), 'users:read', roleOf);
    assert.deepEqual(reads, ['u1']);
    assert.equal(checked.kind === 'user' && checked.role, 'admin');
    await authorize(user(FIRST_PARTY_SCOPE, 'admin'), 'users:read', roleOf);
    assert.deepEqual(reads, ['u1'], 'a known role is not read again');
    await assert.rejects(
      authorize(user(FIRST_PARTY_SCOPE), 'users:write', async () => 'user'),
      (error: unknown) => error instanceof DomainError && error.code === 'forbidden',
    );
  });
});
