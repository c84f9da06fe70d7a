// At-rest encryption of small secrets (TOTP seeds, signing keys) under the
// configured master secrets. AES-256-GCM with a random 96-bit IV; the caller's
// `context` (e.g. `mfa_totp:<factorId>`) is authenticated as AAD, so a
// ciphertext copied to another row or purpose no longer decrypts.
//
// Format: `v1.<keyId>.<iv>.<tag>.<ciphertext>`, every part base64url. The key
// id lets decryption pick the right key after ROSTER_SECRET rotates: the first
// secret encrypts, every secret decrypts.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

export interface Encrypter {
  encrypt(plaintext: string, context: string): string;
  decrypt(ciphertext: string, context: string): string;
}

const VERSION = 'v1';
// Fixed HKDF labels: a master secret also feeds other derivations (cookie
// signing, JWT keys), and distinct labels keep those keys independent.
const HKDF_SALT = 'roster';
const HKDF_INFO = 'roster/at-rest-encryption/aes-256-gcm/v1';
const IV_BYTES = 12; // the GCM standard nonce size; random IVs are safe far beyond our volume
const TAG_BYTES = 16; // full tag; shorter tags weaken GCM's integrity
const KEY_ID_BYTES = 6; // 48 bits: collisions between a handful of live keys are negligible
const BASE64URL = /^[A-Za-z0-9_-]*$/;

interface Key {
  readonly id: string;
  readonly bytes: Buffer;
}

function deriveKey(secret: string): Key {
  const bytes = Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, 32));
  // The id is a digest of the derived key, never of the secret, and is too
  // short to help an attacker: it only names which key was used.
  const id = createHash('sha256').update(bytes).digest().subarray(0, KEY_ID_BYTES).toString('base64url');
  return { id, bytes };
}

/** `secrets[0]` encrypts; all of them decrypt. Throws if the list is empty. */
export function createEncrypter(secrets: readonly string[]): Encrypter {
  if (secrets.length === 0) throw new Error('createEncrypter: at least one secret is required');
  if (secrets.some((secret) => typeof secret !== 'string' || secret.length === 0))
    throw new Error('createEncrypter: secrets must be non-empty strings');
  const keys = secrets.map(deriveKey);
  const current = keys[0]!;
  // Identical secrets give identical ids; the first wins, which is the same key.
  const byId = new Map<string, Key>();
  for (const key of keys) if (!byId.has(key.id)) byId.set(key.id, key);

  return {
    encrypt(plaintext, context) {
      assertContext(context);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.bytes, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [
        VERSION,
        current.id,
        iv.toString('base64url'),
        tag.toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },

    decrypt(ciphertext, context) {
      assertContext(context);
      const parts = ciphertext.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION || !parts.every((part) => BASE64URL.test(part)))
        throw new Error('decrypt: malformed ciphertext');
      const [, keyId, ivText, tagText, bodyText] = parts as [string, string, string, string, string];
      const key = byId.get(keyId);
      // The id is public; naming it tells an operator which secret was removed too early.
      if (key === undefined) throw new Error(`decrypt: no configured secret matches key id ${keyId}`);
      const iv = Buffer.from(ivText, 'base64url');
      const tag = Buffer.from(tagText, 'base64url');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
        throw new Error('decrypt: malformed ciphertext');
      const decipher = createDecipheriv('aes-256-gcm', key.bytes, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([
          decipher.update(Buffer.from(bodyText, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        // Drop OpenSSL's error: one message for tampering and for a wrong context.
        throw new Error('decrypt: authentication failed (tampered data or wrong context)');
      }
    },
  };
}

// An empty context would silently give up the binding the caller relies on.
function assertContext(context: string): void {
  if (typeof context !== 'string' || context.length === 0)
    throw new Error('encryption: context must be non-empty');
}
