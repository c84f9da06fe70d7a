// pino options shared by the server and the CLI. Secrets never reach a log
// line: headers that carry credentials, body fields that hold secrets and
// query parameters that carry tokens are censored; so are email addresses and
// phone numbers in request URLs (look-ups by number, existence checks).
import type { LoggerOptions } from 'pino';

const SECRET_FIELDS = [
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'mfaToken',
  'idToken',
  'otp',
  'secret',
  'recoveryCodes',
  'clientSecret',
  'client_secret',
  'refresh_token',
  'access_token',
];

/** Query parameters whose values are replaced in logged URLs: secrets, and who someone is. */
const SECRET_QUERY = new Set(['token', 'code', 'access_token', 'refresh_token', 'password', 'otp', 'state']);
const PERSONAL_QUERY = new Set(['email', 'phone', 'e164', 'identifier', 'login_hint']);
/** Path segments whose next segment names someone however it is written (`/by-phone/0151…`). */
const PERSONAL_SEGMENT_AFTER = new Set(['by-phone', 'by-email']);
const REDACTED = '[redacted]';

/**
 * Text that names a person wherever it appears in a URL, whatever the
 * parameter or path segment is called: an email address (anything with an
 * @) or a phone number (`+` and digits, as E.164 numbers are written).
 */
const looksPersonal = (text: string): boolean => text.includes('@') || /^\+[\d\s().-]{4,}$/.test(text);

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The URL as logs may keep it: secrets, email addresses and phone numbers replaced. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const segments = path.split('/');
  let pathChanged = false;
  for (let i = 0; i < segments.length; i++) {
    if (looksPersonal(decoded(segments[i]!)) || (i > 0 && PERSONAL_SEGMENT_AFTER.has(segments[i - 1]!))) {
      segments[i] = REDACTED;
      pathChanged = true;
    }
  }
  const loggedPath = pathChanged ? segments.join('/') : path;
  if (q === -1) return loggedPath;
  const params = new URLSearchParams(url.slice(q + 1));
  let queryChanged = false;
  for (const [key, value] of [...params]) {
    const name = key.toLowerCase();
    if (SECRET_QUERY.has(name) || PERSONAL_QUERY.has(name) || looksPersonal(value)) {
      params.set(key, REDACTED);
      queryChanged = true;
    }
  }
  return `${loggedPath}?${queryChanged ? params.toString() : url.slice(q + 1)}`;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
        ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]),
        // `code` is also the name of error codes (ECONNREFUSED), which logs need:
        // only one-time codes inside a logged body are censored.
        'body.code',
        '*.body.code',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        ip: req.ip,
      }),
    },
  };
}
