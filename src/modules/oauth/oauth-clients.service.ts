// The OAuth client registry: which applications may ask users for access,
// where they may send users back, which scopes they may ask for, and their
// secrets. A confidential client's secret is 256 random bits shown once, at
// creation or rotation, and stored as SHA-256 (like service keys); a public
// client (a browser or native app) has none and relies on PKCE alone.

import { policy } from '../../platform/auth/policy.ts';
import { auditActor, type Principal } from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/clock.ts';
import { constantTimeEqual, randomToken, sha256 } from '../../platform/crypto/tokens.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import type { FieldError } from '../../platform/domain-error.ts';
import { commonError } from '../../platform/errors.ts';
import type { RequestContext } from '../../platform/request-context.ts';
import { recordAudit } from '../audit/index.ts';
import { roleOfActive } from '../users/index.ts';
import type { OAuthClientsTable } from './oauth-clients.table.ts';
import { OAUTH_SCOPES } from './oauth-scopes.ts';
import { redirectUriErrors } from './redirect-uris.ts';

export const CLIENT_ID_PREFIX = 'rc_';
export const CLIENT_SECRET_PREFIX = 'rcs_';
const MAX_NAME_LENGTH = 100;

export interface OAuthClient {
  readonly clientId: string;
  readonly name: string;
  /** Confidential clients authenticate with their secret; public ones cannot keep one. */
  readonly public: boolean;
  readonly redirectUris: string[];
  readonly postLogoutRedirectUris: string[];
  readonly scopes: string[];
  readonly firstParty: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NewOAuthClient {
  readonly name: string;
  readonly redirectUris: string[];
  readonly postLogoutRedirectUris?: readonly string[];
  readonly public?: boolean;
  /** Defaults to `openid profile email`. */
  readonly scopes?: readonly string[];
  readonly firstParty?: boolean;
}

const DEFAULT_SCOPES = ['openid', 'profile', 'email'];

function checked(input: NewOAuthClient) {
  const name = input.name.trim();
  const scopes = [...new Set(input.scopes ?? DEFAULT_SCOPES)];
  const postLogout = input.postLogoutRedirectUris ?? [];
  const errors: FieldError[] = [
    ...(name.length === 0 || name.length > MAX_NAME_LENGTH
      ? [{ path: 'name', message: `must be 1–${MAX_NAME_LENGTH} characters` }]
      : []),
    ...redirectUriErrors('redirectUris', input.redirectUris, true),
    ...redirectUriErrors('postLogoutRedirectUris', postLogout, false),
    ...scopes
      .filter((s) => !OAUTH_SCOPES.includes(s))
      .map((s) => ({
        path: 'scopes',
        message: `${s} is not a scope Roster grants (${OAUTH_SCOPES.join(', ')})`,
      })),
  ];
  if (errors.length > 0)
    throw commonError('validation_failed', { detail: 'The client is not valid.', errors });
  return { name, scopes, postLogout };
}

const newSecret = () => `${CLIENT_SECRET_PREFIX}${randomToken()}`;

export function createOAuthClients(deps: {
  db: Executor;
  clock: Clock;
  /** Ends every grant the client holds, in the removal's transaction (the sessions module). */
  endGrants: (trx: Executor, clientId: string) => Promise<number>;
}) {
  const { db, clock } = deps;

  const toClient = (row: OAuthClientsTable): OAuthClient => ({
    clientId: row.id,
    name: row.name,
    public: row.secret_hash === null,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    scopes: row.scopes.split(' ').filter(Boolean),
    firstParty: Number(row.first_party) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });

  const find = (clientId: string) =>
    db.selectFrom('oauth_clients').selectAll().where('id', '=', clientId).executeTakeFirst();

  async function existing(clientId: string) {
    const row = await find(clientId);
    if (!row) throw commonError('not_found', { detail: 'No such client.' });
    return row;
  }

  /** Staff (the admin role), the operator (CLI): `oauth-clients:manage`. */
  const authorize = (principal: Principal) =>
    policy.authorize(principal, 'oauth-clients:manage', roleOfActive(db));

  /** Writes the change and its audit row (who, which client, what) together. */
  const audited = <T>(
    principal: Principal,
    context: RequestContext,
    action: 'created' | 'secret_rotated' | 'deleted',
    clientId: string,
    work: (trx: Executor) => Promise<T>,
  ) =>
    inTransaction(db, async (trx) => {
      const result = await work(trx);
      await recordAudit(
        trx,
        {
          type: 'oauth.client_changed',
          userId: null,
          context,
          detail: { ...auditActor(principal.actor), action, clientId },
        },
        clock.now(),
      );
      return result;
    });

  return {
    /** Registers a client; a confidential one's secret is returned only here. */
    async create(
      principal: Principal,
      input: NewOAuthClient,
      context: RequestContext,
    ): Promise<{ client: OAuthClient; secret: string | null }> {
      await authorize(principal);
      const { name, scopes, postLogout } = checked(input);
      const secret = input.public ? null : newSecret();
      const now = clock.now().toISOString();
      const row = {
        id: `${CLIENT_ID_PREFIX}${randomToken(16)}`,
        name,
        secret_hash: secret === null ? null : sha256(secret),
        redirect_uris: JSON.stringify(input.redirectUris),
        post_logout_redirect_uris: JSON.stringify(postLogout),
        scopes: scopes.join(' '),
        first_party: input.firstParty ? 1 : 0,
        created_at: now,
        updated_at: now,
      };
      await audited(principal, context, 'created', row.id, (trx) =>
        trx.insertInto('oauth_clients').values(row).execute(),
      );
      return { client: toClient(row), secret };
    },

    async list(principal: Principal): Promise<OAuthClient[]> {
      await authorize(principal);
      const rows = await db
        .selectFrom('oauth_clients')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toClient);
    },

    /** The client (404 when there is none). */
    async show(principal: Principal, clientId: string): Promise<OAuthClient> {
      await authorize(principal);
      return toClient(await existing(clientId));
    },

    /** A new secret for a confidential client; the old one stops working at once. */
    async rotateSecret(
      principal: Principal,
      clientId: string,
      context: RequestContext,
    ): Promise<{ client: OAuthClient; secret: string }> {
      await authorize(principal);
      const row = await existing(clientId);
      if (row.secret_hash === null)
        throw commonError('conflict', { detail: 'A public client has no secret to rotate.' });
      const secret = newSecret();
      const updated = { secret_hash: sha256(secret), updated_at: clock.now().toISOString() };
      await audited(principal, context, 'secret_rotated', clientId, (trx) =>
        trx.updateTable('oauth_clients').set(updated).where('id', '=', clientId).execute(),
      );
      return { client: toClient({ ...row, ...updated }), secret };
    },

    /** The client as the provider reads it (with its secret's hash), or null; no permission: internal. */
    async lookup(clientId: string): Promise<(OAuthClient & { secretHash: string | null }) | null> {
      const row = await find(clientId);
      return row ? { ...toClient(row), secretHash: row.secret_hash } : null;
    },

    /** Whether `secret` is the confidential client's current secret (constant time). */
    async verifySecret(clientId: string, secret: string): Promise<boolean> {
      const row = await find(clientId);
      if (!row || row.secret_hash === null) return false;
      return constantTimeEqual(sha256(secret), row.secret_hash);
    },

    /**
     * Removes the client (404 when there is none) and ends every grant it
     * holds: its users' access and refresh tokens stop working at once.
     */
    async delete(principal: Principal, clientId: string, context: RequestContext): Promise<void> {
      await authorize(principal);
      // Not found rolls the audit row back with the (empty) delete.
      await audited(principal, context, 'deleted', clientId, async (trx) => {
        const result = await trx.deleteFrom('oauth_clients').where('id', '=', clientId).executeTakeFirst();
        if (Number(result.numDeletedRows) === 0)
          throw commonError('not_found', { detail: 'No such client.' });
        await deps.endGrants(trx, clientId);
      });
    },
  };
}

export type OAuthClients = ReturnType<typeof createOAuthClients>;
