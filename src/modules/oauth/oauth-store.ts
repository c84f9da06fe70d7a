// oidc-provider's storage adapter on Roster's database (both dialects): one
// table, rows keyed by model and the SHA-256 of the id, payloads encrypted
// under ROSTER_SECRET (a payload holds its own id, and ids are bearer
// secrets), so a copy of the database opens no session and redeems no token.
//
// A grant's id is the id of the user's session that stands for it (see
// oauth.module.ts): a grant whose session ended (signed out everywhere, a
// password reset, a ban) is not found, so its refresh tokens stop working,
// and destroying a grant (refresh-token reuse, revocation, the user removing
// the app) ends that session on every node.

import type { Clock } from '../../platform/clock.ts';
import type { Encrypter } from '../../platform/crypto/encryption.ts';
import { sha256 } from '../../platform/crypto/tokens.ts';
import type { Executor } from '../../platform/db/executor.ts';
import { oidcLibrary } from './library.ts';

/** How often expired records are deleted (off the request path). */
export const STORE_PURGE_MS = 10 * 60_000;
const PURGE_BATCH = 1_000;

type Payload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  accountId?: string;
  consumed?: number;
};

export interface GrantSessions {
  /** Whether the session a grant stands for is live. */
  isLive(grantId: string): Promise<boolean>;
  /** Ends the session a destroyed grant stood for. */
  end(grantId: string): Promise<void>;
}

export interface OAuthStoreDeps {
  readonly db: Executor;
  readonly clock: Clock;
  readonly encrypter: Encrypter;
  readonly grants: GrantSessions;
}

export interface OAuthAdapter {
  upsert(id: string, payload: Payload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<Payload | undefined>;
  findByUid(uid: string): Promise<Payload | undefined>;
  findByUserCode(userCode: string): Promise<Payload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export function createOAuthStore(deps: OAuthStoreDeps) {
  const { db, clock, encrypter } = deps;
  const now = () => clock.now();

  function adapterFor(model: string): OAuthAdapter {
    const context = `oauth_store:${model}`;
    const row = (id: string) =>
      db.selectFrom('oauth_store').where('model', '=', model).where('id_hash', '=', sha256(id));

    function open(stored: { payload: string; consumed_at: string | null } | undefined): Payload | undefined {
      if (!stored) return undefined;
      const payload = JSON.parse(encrypter.decrypt(stored.payload, context)) as Payload;
      if (stored.consumed_at !== null)
        payload.consumed = Math.floor(new Date(stored.consumed_at).getTime() / 1000);
      return payload;
    }

    return {
      async upsert(id, payload, expiresIn) {
        const values = {
          payload: encrypter.encrypt(JSON.stringify(payload), context),
          grant_id: payload.grantId ?? null,
          uid: payload.uid ?? null,
          account_id: payload.accountId ?? null,
          expires_at:
            expiresIn === undefined ? null : new Date(now().getTime() + expiresIn * 1000).toISOString(),
        };
        await db
          .insertInto('oauth_store')
          .values({ model, id_hash: sha256(id), consumed_at: null, ...values })
          .onConflict((oc) => oc.columns(['model', 'id_hash']).doUpdateSet(values))
          .execute();
      },

      async find(id) {
        const payload = open(await row(id).select(['payload', 'consumed_at']).executeTakeFirst());
        // A grant lives only as long as the session it stands for.
        if (payload && model === 'Grant' && !(await deps.grants.isLive(id))) return undefined;
        return payload;
      },

      async findByUid(uid) {
        const stored = await db
          .selectFrom('oauth_store')
          .select(['payload', 'consumed_at'])
          .where('model', '=', model)
          .where('uid', '=', uid)
          .executeTakeFirst();
        return open(stored);
      },

      // The device flow is off: there are no user codes.
      findByUserCode: async () => undefined,

      async consume(id) {
        const result = await db
          .updateTable('oauth_store')
          .set({ consumed_at: now().toISOString() })
          .where('model', '=', model)
          .where('id_hash', '=', sha256(id))
          .where('consumed_at', 'is', null)
          .executeTakeFirst();
        // Two requests that found the same code or refresh token unused at
        // once: only the first to mark it used may go on.
        if (Number(result.numUpdatedRows) !== 1)
          throw new (await oidcLibrary()).errors.InvalidGrant('grant request is invalid');
      },

      async destroy(id) {
        await db
          .deleteFrom('oauth_store')
          .where('model', '=', model)
          .where('id_hash', '=', sha256(id))
          .execute();
        if (model === 'Grant') await deps.grants.end(id);
      },

      async revokeByGrantId(grantId) {
        await db
          .deleteFrom('oauth_store')
          .where('model', '=', model)
          .where('grant_id', '=', grantId)
          .execute();
      },
    };
  }

  return {
    adapterFor,

    /** Erasure: every record of the user (grants, browser sessions, codes, tokens). */
    async forgetAccount(trx: Executor, userId: string): Promise<void> {
      await trx.deleteFrom('oauth_store').where('account_id', '=', userId).execute();
    },

    /**
     * Deletes records past their expiry, oldest first, a batch at a time (short
     * statements, so writers never wait long); returns how many went.
     */
    async purgeExpired(): Promise<number> {
      const cutoff = now().toISOString();
      let total = 0;
      for (;;) {
        const batch = await db
          .selectFrom('oauth_store')
          .select('expires_at')
          .where('expires_at', '<', cutoff)
          .orderBy('expires_at')
          .limit(PURGE_BATCH)
          .execute();
        const last = batch.at(-1)?.expires_at;
        if (!last) return total;
        const result = await db.deleteFrom('oauth_store').where('expires_at', '<=', last).executeTakeFirst();
        total += Number(result.numDeletedRows);
        if (batch.length < PURGE_BATCH) return total;
      }
    },
  };
}

export type OAuthStore = ReturnType<typeof createOAuthStore>;
