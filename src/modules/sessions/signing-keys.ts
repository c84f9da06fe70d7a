// Ed25519 keys that sign access tokens. Generated at first start, stored with
// the private half encrypted under ROSTER_SECRET, published at
// /.well-known/jwks.json. Rotation: a new key signs from then on; retired keys
// still verify until the tokens they signed have expired.
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Clock } from '../../platform/clock.ts';
import type { Encrypter } from '../../platform/crypto/encryption.ts';
import type { Executor } from '../../platform/db/executor.ts';
import { newId } from '../../platform/ids.ts';

export const TOKEN_ALG = 'EdDSA';
/** How often a node re-reads the keys, to learn of rotations made elsewhere. */
const RELOAD_MS = 5 * 60_000;

type KeyLike = Awaited<ReturnType<typeof importJWK>>;

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  publicKey: KeyLike;
  privateKey: KeyLike | null; // null for retired keys
  createdAt: string;
}

/** The stored keys cannot be used with this configuration (a changed ROSTER_SECRET). */
export class SigningKeyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SigningKeyError';
  }
}

export interface KeyStore {
  /** The newest active key, for signing. */
  signingKey(): Promise<{ kid: string; key: KeyLike }>;
  /** The key with this kid, for verifying; undefined when unknown. */
  verificationKey(kid: string): Promise<KeyLike | undefined>;
  /** Public keys of every key that may still verify a token. */
  jwks(): Promise<{ keys: JWK[] }>;
  /** Generates a new signing key; the previous ones retire. */
  rotate(): Promise<string>;
}

export function createKeyStore(deps: { db: Executor; encrypter: Encrypter; clock: Clock }): KeyStore {
  const { db, encrypter, clock } = deps;
  let keys: LoadedKey[] = [];
  let loadedAt = 0;
  let loading: Promise<void> | undefined;

  const context = (kid: string) => `signing_key:${kid}`;

  function decryptKey(ciphertext: string, kid: string): string {
    try {
      return encrypter.decrypt(ciphertext, context(kid));
    } catch (error) {
      throw new SigningKeyError(
        `the token signing key ${kid} cannot be decrypted with ROSTER_SECRET: the secret changed. ` +
          'Set the secret it was made with (a comma-separated ROSTER_SECRET keeps old secrets for decryption).',
        { cause: error },
      );
    }
  }

  async function generate(): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(TOKEN_ALG, { crv: 'Ed25519', extractable: true });
    const kid = newId();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: TOKEN_ALG, use: 'sig' };
    const privateJwk = await exportJWK(privateKey);
    await db
      .insertInto('signing_keys')
      .values({
        kid,
        alg: TOKEN_ALG,
        public_jwk: JSON.stringify(publicJwk),
        private_key: encrypter.encrypt(JSON.stringify(privateJwk), context(kid)),
        created_at: clock.now().toISOString(),
        retired_at: null,
      })
      .execute();
    return kid;
  }

  async function load(): Promise<void> {
    let rows = await db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute();
    if (!rows.some((r) => r.retired_at === null)) {
      await generate();
      rows = await db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute();
    }
    keys = await Promise.all(
      rows.map(async (r) => {
        const publicJwk = JSON.parse(r.public_jwk) as JWK;
        return {
          kid: r.kid,
          publicJwk,
          publicKey: await importJWK(publicJwk, TOKEN_ALG),
          privateKey:
            r.retired_at === null
              ? await importJWK(JSON.parse(decryptKey(r.private_key, r.kid)) as JWK, TOKEN_ALG)
              : null,
          createdAt: r.created_at,
        };
      }),
    );
    loadedAt = Date.now();
  }

  async function ensureLoaded(force = false): Promise<void> {
    if (!force && keys.length > 0 && Date.now() - loadedAt < RELOAD_MS) return;
    loading ??= load().finally(() => {
      loading = undefined;
    });
    await loading;
  }

  return {
    async signingKey() {
      await ensureLoaded();
      const active = keys.find((k) => k.privateKey !== null)!;
      return { kid: active.kid, key: active.privateKey! };
    },
    async verificationKey(kid) {
      await ensureLoaded();
      let key = keys.find((k) => k.kid === kid);
      // A kid this node has not seen may come from a rotation on another node;
      // reload once, at most every few seconds, so junk kids cannot force a query each.
      if (!key && Date.now() - loadedAt > 5_000) {
        await ensureLoaded(true);
        key = keys.find((k) => k.kid === kid);
      }
      return key?.publicKey;
    },
    async jwks() {
      await ensureLoaded();
      return { keys: keys.map((k) => k.publicJwk) };
    },
    async rotate() {
      const now = clock.now().toISOString();
      await db.updateTable('signing_keys').set({ retired_at: now }).where('retired_at', 'is', null).execute();
      const kid = await generate();
      await ensureLoaded(true);
      return kid;
    },
  };
}
