// Which redirect URIs a client may register (RFC 9700 §4.1, RFC 8252 §7).
// They are stored and later compared exactly as written: no wildcard, no
// pattern, no normalisation of case, ports or trailing slashes.
import type { FieldError } from '../../platform/domain-error.ts';

export const MAX_REDIRECT_URIS = 10;
const MAX_URI_LENGTH = 2000;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why `uri` may not be registered, or null. Allowed: https; http only to the
 * loopback interface (native apps, RFC 8252 §7.3); a private-use scheme with
 * a dot, such as `com.example.app:/callback` (§7.1). Never a fragment,
 * credentials or a `*`.
 */
export function redirectUriProblem(uri: string): string | null {
  if (uri.length === 0 || uri.length > MAX_URI_LENGTH) return `must be 1–${MAX_URI_LENGTH} characters`;
  if (uri.includes('*')) return 'must not hold a wildcard (`*`): redirect URIs are compared exactly';
  if (/\s/u.test(uri)) return 'must not hold spaces';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URI';
  }
  if (url.hash !== '' || uri.includes('#')) return 'must not have a fragment';
  if (url.username !== '' || url.password !== '') return 'must not hold credentials';
  if (url.protocol === 'https:') return url.hostname === '' ? 'must name a host' : null;
  if (url.protocol === 'http:')
    return LOOPBACK.has(url.hostname) ? null : 'must use https (http only to localhost, 127.0.0.1 or [::1])';
  const scheme = url.protocol.slice(0, -1);
  if (!scheme.includes('.'))
    return 'must use https, or a private-use scheme in reverse-domain form (com.example.app:/callback)';
  return null;
}

/** Field errors for a list of redirect URIs under `path`. */
export function redirectUriErrors(path: string, uris: readonly string[], required: boolean): FieldError[] {
  const errors: FieldError[] = [];
  if (required && uris.length === 0) errors.push({ path, message: 'must name at least one URI' });
  if (uris.length > MAX_REDIRECT_URIS)
    errors.push({ path, message: `must name at most ${MAX_REDIRECT_URIS} URIs` });
  uris.forEach((uri, i) => {
    const problem = redirectUriProblem(uri);
    if (problem) errors.push({ path: `${path}.${i}`, message: problem });
  });
  if (new Set(uris).size !== uris.length) errors.push({ path, message: 'must not repeat a URI' });
  return errors;
}
