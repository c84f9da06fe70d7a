// pino options shared by the server and the CLI. Secrets never reach a log
// line: headers that carry credentials, body fields that hold secrets and
// query parameters that carry tokens are censored; so are email addresses and
// phone numbers in request URLs (look-ups by number, existence checks).
import { isIP } from 'node:net';
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
const SECRET_QUERY = new Set([
  'token',
  'code',
  'access_token',
  'refresh_token',
  'accesstoken',
  'refreshtoken',
  'id_token',
  'idtoken',
  'mfatoken',
  'password',
  'otp',
  'state',
  // Signed media links and upload URLs (Roster's own, and S3's presigned ones).
  'signature',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
]);
const PERSONAL_QUERY = new Set(['email', 'phone', 'e164', 'identifier', 'login_hint']);
/** Path segments whose next segment names someone however it is written (`/by-phone/0151…`). */
const PERSONAL_SEGMENT_AFTER = new Set(['by-phone', 'by-email']);
const REDACTED = '[redacted]';

/**
 * Text that names a person wherever it appears in a URL, whatever the
 * parameter or path segment is called: an email address (anything with an
 * @, the fullwidth ＠ included, which some mail systems fold to @) or a phone
 * number (`+` and digits, as E.164 numbers are written).
 */
const looksPersonal = (text: string): boolean => /[@\uFF20]/.test(text) || /^\+[\d\s().-]{4,}$/.test(text);

// Free text from a mail relay or SMS gateway echoes what it was sent: the
// recipient, the number, the message with its code. These patterns find them
// wherever they stand in it (JSON, an SMTP reply, an HTML page).
const EMAIL_IN_TEXT = /[^\s<>()[\]"'`,;:@\uFF20\\]+(?:@|\uFF20|%40)[^\s<>()[\]"'`,;:\\]+/giu;
/** `+` and 7–15 digits, spaces, dots, dashes or brackets between them allowed. */
const PHONE_IN_TEXT = /\+(?:[\s().-]{0,2}\d){7,15}/g;
/**
 * A one-time code: a run of 4–8 digits. Not a duration in ms, nor a provider's
 * numbered error (`error 21211`, Twilio's), which operators need to act on.
 */
const CODE_IN_TEXT = /(?<!\d|\berror )\d{4,8}(?!\d|\s?ms\b)/g;

/**
 * Provider text as logs and stored errors may keep it: email addresses, phone
 * numbers and 4–8 digit codes replaced. Over-redacts on purpose (a port or a
 * year goes too): a reason without them still
 * says what went wrong, a reason with them is personal data in the logs.
 */
export function redactText(text: string): string {
  return text
    .replace(EMAIL_IN_TEXT, '[email]')
    .replace(PHONE_IN_TEXT, '[phone]')
    .replace(CODE_IN_TEXT, '[code]');
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * A path of letters, digits and `-._~/` alone, with no `/by-` segment: no
 * query, no escapes, nothing that can name someone. Most request lines are
 * such paths, and they are logged as they are without being taken apart.
 */
const PLAIN_PATH = /^[A-Za-z0-9\-._~/]*$/;

/** The URL as logs may keep it: secrets, email addresses and phone numbers replaced. */
export function redactUrl(url: string): string {
  if (PLAIN_PATH.test(url) && !url.includes('/by-')) return url;
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
        // A forwarded value that is no address (text a client put in
        // X-Forwarded-For) is not written to the log as if it were one.
        ip: req.ip !== undefined && isIP(req.ip) !== 0 ? req.ip : '[not an address]',
      }),
    },
  };
}
