// pino options shared by the server and the CLI. Secrets never reach a log
// line: headers that carry credentials, body fields that hold secrets and
// query parameters that carry tokens are censored.
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

/** Query parameters whose values are replaced in logged URLs. */
const SECRET_QUERY = new Set(['token', 'code', 'access_token', 'refresh_token', 'password', 'otp', 'state']);

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let changed = false;
  for (const key of params.keys()) {
    if (SECRET_QUERY.has(key.toLowerCase())) {
      params.set(key, '[redacted]');
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q)}?${params.toString()}` : url;
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
