// Service keys: `rk_` + 256 random bits, shown once at creation, stored as
// SHA-256. A key carries scopes (e.g. `tokens:introspect`) and can be revoked.
import type { Permission } from '../../platform/auth/policy.ts';
import { API_KEY_PREFIX, type ServicePrincipal, servicePrincipal } from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/clock.ts';
import { randomToken, sha256 } from '../../platform/crypto/tokens.ts';
import type { Executor } from '../../platform/db/executor.ts';
import { newId } from '../../platform/ids.ts';

export { API_KEY_PREFIX };
/** Scopes a service key may hold: permissions of the policy (platform/auth/policy.ts). */
export const SERVICE_SCOPES = [
  'tokens:introspect',
  'tokens:revoke',
  'users:read',
  'activity:write',
  'standing:write',
  'scores:write',
  'achievements:write',
  'admin:profile:write',
] as const satisfies readonly Permission[];

export type { ServicePrincipal };

export interface ApiKeySummary {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export function createApiKeys(deps: { db: Executor; clock: Clock }) {
  const { db, clock } = deps;
  return {
    /** Creates a key; the plain key is returned only here. */
    async create(name: string, scopes: readonly string[]): Promise<{ key: string; summary: ApiKeySummary }> {
      const key = `${API_KEY_PREFIX}${randomToken()}`;
      const summary = {
        id: newId(),
        name,
        scopes: [...scopes],
        createdAt: clock.now().toISOString(),
        revokedAt: null,
      };
      await db
        .insertInto('api_keys')
        .values({
          id: summary.id,
          name,
          key_hash: sha256(key),
          scopes: scopes.join(' '),
          created_at: summary.createdAt,
          revoked_at: null,
        })
        .execute();
      return { key, summary };
    },

    /** The principal of a live key, or null. */
    async authenticate(key: string): Promise<ServicePrincipal | null> {
      if (!key.startsWith(API_KEY_PREFIX)) return null;
      const row = await db
        .selectFrom('api_keys')
        .select(['id', 'name', 'scopes'])
        .where('key_hash', '=', sha256(key))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return row
        ? servicePrincipal({ keyId: row.id, name: row.name, scopes: row.scopes.split(' ').filter(Boolean) })
        : null;
    },

    async list(): Promise<ApiKeySummary[]> {
      const rows = await db.selectFrom('api_keys').selectAll().orderBy('id', 'desc').execute();
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        scopes: r.scopes.split(' ').filter(Boolean),
        createdAt: r.created_at,
        revokedAt: r.revoked_at,
      }));
    },

    async revoke(id: string): Promise<boolean> {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: clock.now().toISOString() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export type ApiKeys = ReturnType<typeof createApiKeys>;
