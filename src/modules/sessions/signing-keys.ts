// The keys that sign tokens: Ed25519 (EdDSA) for access tokens, generated at
// first start, and RSA (RS256) for the OpenID provider's ID tokens, which
// relying parties expect, generated when the provider first needs one. Stored
// with the private half encrypted under ROSTER_SECRET, published at
// /.well-known/jwks.json and the provider's JWKS. Rotation: a new key of each
// algorithm signs from then on; a retired key still verifies until every
// token it can have signed has expired.
//
// Signing happens inside the sign-in's transaction, so the keys live in
// memory: start() loads them, and a periodic task (off the request path,
// outside any transaction) reloads them to learn of rotations made elsewhere.
// Only a token with a kid this node has not seen asks the database at request
// time, and at most every few seconds.
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Clock } from '../../platform/clock.ts';
import type { Encrypter } from '../../platform/crypto/encryption.ts';
import { type Executor, inTransaction } from '../../platform/db/executor.ts';
import { newId } from '../../platform/ids.ts';
import { sessionError } from './sessions.errors.ts';

export const TOKEN_ALG = 'EdDSA';
/** ID tokens' algorithm: what relying parties support without configuration. */
export const ID_TOKEN_ALG = 'RS256';
type Alg = typeof TOKEN_ALG | typeof ID_TOKEN_ALG;
const RSA_BITS = 2048;
/** How often a node re-reads the keys, to learn of rotations made elsewhere. */
export const KEY_RELOAD_MS = 5 * 60_000;
/** How often the reload task looks; it reloads when KEY_RELOAD_MS has passed or nothing is loaded. */
const KEY_CHECK_MS = 5_000;
/** A token naming an unknown kid makes this node reload at most this often. */
const UNKNOWN_KID_RELOAD_MS = 5_000;

type KeyLike = Awaited<ReturnType<typeof importJWK>>;

interface LoadedKey {
  kid: string;
  alg: Alg;
  publicJwk: JWK;
  publicKey: KeyLike;
  privateKey: KeyLike | null; // null for retired keys
  /** The private JWK (retired keys too): the provider publishes and verifies with what it holds. */
  privateJwk: JWK;
  /** When it was retired (ms), or null while it signs. */
  retiredAt: number | null;
}

/** The stored keys cannot be used with this configuration (a changed ROSTER_SECRET). */
export class SigningKeyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SigningKeyError';
  }
}

export interface KeyStore {
  /** Loads the keys (generating the first one) and starts the periodic reload. */
  start(): Promise<void>;
  stop(): void;
  /** The newest active key, for signing; from memory. */
  signingKey(): { kid: string; key: KeyLike };
  /** The key with this kid, for verifying; undefined when unknown or retired too long ago. */
  verificationKey(kid: string): Promise<KeyLike | undefined>;
  /** Public keys of every key that may still verify a token. */
  jwks(): { keys: JWK[] };
  /**
   * Private JWKs of every key that may still verify, signing keys first, for
   * the OpenID provider; makes the RSA key on first call. `version` changes
   * whenever the set does (a rotation, a retired key's end).
   */
  providerKeys(): Promise<{ keys: JWK[]; version: string }>;
  /** Generates a new signing key; the previous ones retire. */
  rotate(): Promise<string>;
  /** Re-reads the keys now. */
  reload(): Promise<void>;
}

export interface KeyStoreDeps {
  readonly db: Executor;
  readonly encrypter: Encrypter;
  readonly clock: Clock;
  /**
   * Longest lifetime of a token these keys sign. A retired key verifies for
   * that long plus one reload interval (another node may sign with it until
   * it next reloads), then no more.
   */
  readonly tokenLifetimeMs: number;
  readonly onReloadError?: (error: unknown) => void;
}

export function createKeyStore(deps: KeyStoreDeps): KeyStore {
  const { db, encrypter, clock } = deps;
  const retiredKeyVerifiesMs = deps.tokenLifetimeMs + KEY_RELOAD_MS;
  let keys: LoadedKey[] = [];
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<void> | undefined;
  let stopReload: (() => void) | undefined;

  const context = (kid: string) => `signing_key:${kid}`;
  const nowMs = () => clock.now().getTime();
  const verifies = (k: LoadedKey) => k.retiredAt === null || nowMs() - k.retiredAt < retiredKeyVerifiesMs;

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

  async function insertNewKey(ex: Executor, alg: Alg = TOKEN_ALG): Promise<string> {
    const { publicKey, privateKey } = await generateKeyPair(
      alg,
      alg === TOKEN_ALG
        ? { crv: 'Ed25519', extractable: true }
        : { modulusLength: RSA_BITS, extractable: true },
    );
    const kid = newId();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    const privateJwk = await exportJWK(privateKey);
    await ex
      .insertInto('signing_keys')
      .values({
        kid,
        alg,
        public_jwk: JSON.stringify(publicJwk),
        private_key: encrypter.encrypt(JSON.stringify(privateJwk), context(kid)),
        created_at: clock.now().toISOString(),
        retired_at: null,
      })
      .execute();
    return kid;
  }

  const readRows = () => db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute();

  async function load(): Promise<void> {
    let rows = await readRows();
    if (!rows.some((r) => r.retired_at === null && r.alg === TOKEN_ALG)) {
      await insertNewKey(db);
      rows = await readRows();
    }
    const oldest = nowMs() - retiredKeyVerifiesMs;
    const usable = rows.filter((r) => r.retired_at === null || new Date(r.retired_at).getTime() > oldest);
    keys = await Promise.all(
      usable.map(async (r) => {
        const alg = r.alg as Alg;
        const publicJwk = JSON.parse(r.public_jwk) as JWK;
        const privateJwk = JSON.parse(decryptKey(r.private_key, r.kid)) as JWK;
        return {
          kid: r.kid,
          alg,
          publicJwk,
          publicKey: await importJWK(publicJwk, alg),
          privateKey: r.retired_at === null ? await importJWK(privateJwk, alg) : null,
          privateJwk: { ...privateJwk, kid: r.kid, alg, use: 'sig' },
          retiredAt: r.retired_at === null ? null : new Date(r.retired_at).getTime(),
        };
      }),
    );
    loadedAt = nowMs();
  }

  function reload(): Promise<void> {
    loading ??= load().finally(() => {
      loading = undefined;
    });
    return loading;
  }

  function active(): LoadedKey {
    const key = keys.find((k) => k.privateKey !== null && k.alg === TOKEN_ALG);
    // Only before the first load succeeded (the database was down at start);
    // the periodic task keeps trying every few seconds.
    if (!key) throw sessionError('signing_unavailable');
    return key;
  }

  return {
    async start() {
      stopReload ??= clock.every(KEY_CHECK_MS, async () => {
        if (keys.length > 0 && nowMs() - loadedAt < KEY_RELOAD_MS) return;
        await reload().catch((error: unknown) => deps.onReloadError?.(error));
      });
      await reload();
    },
    stop() {
      stopReload?.();
      stopReload = undefined;
    },
    signingKey() {
      const key = active();
      return { kid: key.kid, key: key.privateKey! };
    },
    async verificationKey(kid) {
      let key = keys.find((k) => k.kid === kid);
      // A kid this node has not seen may come from a rotation on another node
      // or the CLI; reload, at most every few seconds, so junk kids cannot
      // force a query each.
      if (!key && nowMs() - loadedAt > UNKNOWN_KID_RELOAD_MS) {
        await reload();
        key = keys.find((k) => k.kid === kid);
      }
      return key && verifies(key) ? key.publicKey : undefined;
    },
    /** The access-token keys (Ed25519); the provider's JWKS (/oauth/jwks) adds the ID-token keys. */
    jwks() {
      if (keys.length === 0) throw sessionError('signing_unavailable');
      return { keys: keys.filter((k) => k.alg === TOKEN_ALG && verifies(k)).map((k) => k.publicJwk) };
    },
    async providerKeys() {
      if (!keys.some((k) => k.alg === ID_TOKEN_ALG && k.privateKey !== null)) {
        await inTransaction(db, async (trx) => {
          // Another node (or a concurrent call) may have made it meanwhile.
          const made = await trx
            .selectFrom('signing_keys')
            .select('kid')
            .where('alg', '=', ID_TOKEN_ALG)
            .where('retired_at', 'is', null)
            .executeTakeFirst();
          if (!made) await insertNewKey(trx, ID_TOKEN_ALG);
        });
        await reload();
      }
      const usable = keys.filter(verifies);
      const ordered = [
        ...usable.filter((k) => k.privateKey !== null),
        ...usable.filter((k) => !k.privateKey),
      ];
      return { keys: ordered.map((k) => k.privateJwk), version: ordered.map((k) => k.kid).join(',') };
    },
    async rotate() {
      const now = clock.now().toISOString();
      const kid = await inTransaction(db, async (trx) => {
        const retiring = await trx
          .updateTable('signing_keys')
          .set({ retired_at: now })
          .where('retired_at', 'is', null)
          .returning('alg')
          .execute();
        if (retiring.some((r) => r.alg === ID_TOKEN_ALG)) await insertNewKey(trx, ID_TOKEN_ALG);
        return insertNewKey(trx);
      });
      await reload();
      return kid;
    },
    reload,
  };
}
