// Seed 004's "response data is encrypted when the feature flag is enabled".
// With ROSTER_COMPAT_004_DATA_KEY set, `data` becomes one string: standard
// base64 (with padding) of
//   nonce (12 random bytes) ‖ ciphertext ‖ GCM tag (16 bytes)
// where the plaintext is the UTF-8 JSON of what `data` would have been, and
// AES-256-GCM runs with that key and no additional data. docs/compat/004.md
// shows how an app decrypts it; the seed suite decrypts with this recipe.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export function encryptData(key: Buffer, data: unknown): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64');
}

/** The inverse, as an app would write it (the tests use it). */
export function decryptData(key: Buffer, text: string): unknown {
  const bytes = Buffer.from(text, 'base64');
  const nonce = bytes.subarray(0, NONCE_BYTES);
  const tag = bytes.subarray(bytes.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAuthTag(tag);
  const plain = Buffer.concat([
    decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
    decipher.final(),
  ]);
  return JSON.parse(plain.toString('utf8'));
}
