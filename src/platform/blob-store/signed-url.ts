// Signed media URLs for the filesystem driver: Roster serves `/media/<key>`
// itself, so a link handed to a browser carries its own expiry and an HMAC
// over everything the link permits. For a PUT that includes the content type
// and the size, so a link made for a 200 kB JPEG cannot upload 2 GB of HTML.
import { timingSafeEqual } from 'node:crypto';
import { hmacSha256 } from '../crypto/tokens.ts';

export type MediaMethod = 'GET' | 'PUT';

export interface MediaSignatureParams {
  readonly method: MediaMethod;
  readonly key: string;
  /** Unix seconds; the link is refused from this second on. */
  readonly expires: number;
  readonly contentType?: string;
  readonly size?: number;
}

export interface MediaSignatureCheck extends Omit<MediaSignatureParams, 'expires'> {
  /** As it came in the query string, or already parsed. */
  readonly expires: number | string;
  readonly signature: string;
  readonly now: Date;
}

export type MediaSignatureVerdict = 'ok' | 'expired' | 'invalid';

// HMAC-SHA256 is 32 bytes: 43 base64url characters without padding. Comparing
// the text (not decoded bytes) keeps one spelling per signature: base64url
// decoders ignore the spare bits of the last character.
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
// Digits as signed: no sign, no leading zero, no exponent, so one link has exactly one URL.
const UNIX_SECONDS = /^[1-9][0-9]{0,11}$/;

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

// A JSON array cannot be confused across fields (a content type holding a
// separator cannot shift the size), and a version tag lets the format change.
function payload(p: MediaSignatureParams): string {
  return JSON.stringify([
    'roster-media-v1',
    p.method,
    p.key,
    p.expires,
    p.contentType ?? null,
    p.size ?? null,
  ]);
}

export function signMediaUrl(params: MediaSignatureParams, secret: Buffer | string): string {
  if (!isCount(params.expires)) throw new RangeError('signMediaUrl: expires must be unix seconds');
  if (params.size !== undefined && !isCount(params.size))
    throw new RangeError('signMediaUrl: size must be a non-negative integer');
  return hmacSha256(secret, payload(params), 'base64url');
}

export function verifyMediaSignature(
  check: MediaSignatureCheck,
  secret: Buffer | string,
): MediaSignatureVerdict {
  const expires = typeof check.expires === 'string' ? parseExpires(check.expires) : check.expires;
  if (!isCount(expires) || !SIGNATURE.test(check.signature)) return 'invalid';
  if (check.size !== undefined && !isCount(check.size)) return 'invalid';
  const expected = signMediaUrl({ ...check, expires }, secret);
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(check.signature))) return 'invalid';
  // Checked after the signature, so 'expired' only ever describes a link we made.
  return check.now.getTime() >= expires * 1000 ? 'expired' : 'ok';
}

function parseExpires(text: string): number | undefined {
  return UNIX_SECONDS.test(text) ? Number(text) : undefined;
}

/** Unix seconds for a Date, rounded down so the link never outlives it. */
export function unixSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}

/** `${baseUrl}/media/${key}?expires=…&signature=…`, each key segment escaped, '/' kept. */
export function signedMediaUrl(
  baseUrl: string,
  key: string,
  query: { readonly expires: number; readonly signature: string },
): string {
  const path = key.split('/').map(encodeURIComponent).join('/');
  const search = new URLSearchParams({ expires: String(query.expires), signature: query.signature });
  return `${baseUrl.replace(/\/+$/, '')}/media/${path}?${search}`;
}
