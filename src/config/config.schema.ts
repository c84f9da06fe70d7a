// Every environment variable Roster reads: its default, how it is parsed and
// what it means. The README's configuration table is generated from this list
// (`npm run docs:config`), so the two cannot drift apart.
import { isIP } from 'node:net';
import { type CountryCode, isSupportedCountry } from 'libphonenumber-js';
import { PROFILE_FIELD_NAMES } from '../modules/profiles/index.ts';
import { parseStorageUrl } from '../platform/blob-store/create-blob-store.ts';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

export interface VariableSpec<T> {
  /** Shown in the README table; `undefined` means "unset". */
  readonly default?: string;
  /** Human wording of the default when it is computed (e.g. from another variable). */
  readonly defaultDoc?: string;
  readonly doc: string;
  /** Secret values are never echoed back in error messages. */
  readonly secret?: boolean;
  readonly parse: (raw: string) => ParseResult<T>;
}

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = (message: string): ParseResult<never> => ({ ok: false, message });

export const text: VariableSpec<string>['parse'] = (raw) =>
  raw.trim() === '' ? fail('must not be empty') : ok(raw.trim());

const integerIn =
  (min: number, max: number) =>
  (raw: string): ParseResult<number> => {
    const n = Number(raw);
    return /^\d+$/.test(raw.trim()) && n >= min && n <= max
      ? ok(n)
      : fail(`must be an integer from ${min} to ${max}`);
  };

const nonNegativeNumber = (raw: string): ParseResult<number> => {
  const n = Number(raw);
  return raw.trim() !== '' && Number.isFinite(n) && n >= 0 ? ok(n) : fail('must be a number ≥ 0');
};

const boolean = (raw: string): ParseResult<boolean> => {
  const v = raw.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return ok(true);
  if (['false', '0', 'no', 'off'].includes(v)) return ok(false);
  return fail('must be true or false');
};

const oneOf =
  <const T extends string>(values: readonly T[]) =>
  (raw: string): ParseResult<T> => {
    const v = raw.trim() as T;
    return values.includes(v) ? ok(v) : fail(`must be one of ${values.join(', ')}`);
  };

const urlWithScheme =
  (schemes: readonly string[]) =>
  (raw: string): ParseResult<URL> => {
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      return fail('must be a URL');
    }
    return schemes.includes(url.protocol)
      ? ok(url)
      : fail(`must start with ${schemes.map((s) => `${s}//`).join(' or ')}`);
  };

// The blob store's own parser, so a bad bucket name or parameter stops start-up
// with its reason instead of failing the first upload.
const storageUrl = (raw: string): ParseResult<URL> => {
  const url = urlWithScheme(['s3:', 'file:'])(raw);
  if (!url.ok) return url;
  try {
    parseStorageUrl(raw.trim());
  } catch (error) {
    return fail((error as Error).message.replace(/^STORAGE_URL "[^"]*": /, ''));
  }
  return url;
};

export type DatabaseTarget =
  | { readonly dialect: 'sqlite'; readonly path: string }
  | { readonly dialect: 'postgres'; readonly url: string };

const databaseUrl = (raw: string): ParseResult<DatabaseTarget> => {
  const v = raw.trim();
  if (/^postgres(ql)?:\/\//.test(v)) {
    try {
      new URL(v);
    } catch {
      return fail('is not a valid postgres:// URL');
    }
    return ok({ dialect: 'postgres', url: v });
  }
  if (v.startsWith('sqlite:')) {
    const path = v.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return path === '' ? fail('sqlite: needs a path or :memory:') : ok({ dialect: 'sqlite', path });
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(v)?.[1];
  return fail(
    `${scheme ? `unsupported scheme "${scheme}:"` : 'unrecognised value'}; use postgres://…, sqlite:<path> or sqlite::memory:`,
  );
};

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Addresses or CIDRs (or proxy-addr's names), checked here so a typo fails at boot. */
const proxyList = (raw: string): ParseResult<string[]> => {
  const entries = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) return fail('must list at least one address or CIDR');
  for (const entry of entries) {
    if (PROXY_NAMES.has(entry)) continue;
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    const maxPrefix = family === 6 ? 128 : 32;
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= maxPrefix);
    if (family === 0 || !prefixOk || extra !== undefined) {
      return fail(`"${entry}" is not an IP address, a CIDR or one of ${[...PROXY_NAMES].join(', ')}`);
    }
  }
  return ok(entries);
};

export const COMPAT_SURFACES = ['001', '002', '003', '004'] as const;
export type CompatSurface = (typeof COMPAT_SURFACES)[number];

const compatList = (raw: string): ParseResult<CompatSurface[]> => {
  const v = raw.trim();
  if (v === 'all') return ok([...COMPAT_SURFACES]);
  if (v === 'none') return ok([]);
  const items = v.split(',').map((s) => s.trim());
  const unknown = items.filter((s) => !(COMPAT_SURFACES as readonly string[]).includes(s));
  return unknown.length > 0
    ? fail(`unknown surface ${unknown.join(', ')}; use all, none or a list of ${COMPAT_SURFACES.join(', ')}`)
    : ok([...new Set(items)] as CompatSurface[]);
};

/** Names an operator gives (roles, account types, achievement types): short lower-case words. */
export const NAME_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;

const nameList =
  (reserved: readonly string[] = []) =>
  (raw: string): ParseResult<string[]> => {
    const items = [
      ...new Set(
        raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
    ];
    const bad = items.filter((s) => !NAME_PATTERN.test(s));
    if (bad.length > 0)
      return fail(`${bad.join(', ')}: names are lower-case letters, digits, - and _ (≤ 32)`);
    const taken = items.filter((s) => reserved.includes(s));
    return taken.length > 0 ? fail(`${taken.join(', ')} is built in`) : ok(items);
  };

/** Profile fields by their PATCH /v1/me names (`bio`, `name`, `name.first`), comma-separated. */
const profileFieldList = (raw: string): ParseResult<string[]> => {
  const items = [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = items.filter((s) => !PROFILE_FIELD_NAMES.includes(s));
  if (unknown.length > 0)
    return fail(`${unknown.join(', ')}: not a profile field (${PROFILE_FIELD_NAMES.join(', ')})`);
  return items.length > 0 ? ok(items) : fail('must name at least one field');
};

/** `type:total` pairs, such as `five-star:20,referral:10`. */
const achievementList = (raw: string): ParseResult<{ type: string; total: number }[]> => {
  const out: { type: string; total: number }[] = [];
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [type = '', total = ''] = item.split(':').map((s) => s.trim());
    if (!NAME_PATTERN.test(type) || !/^[1-9][0-9]{0,8}$/.test(total))
      return fail(`${item}: write type:total (a lower-case name, a whole number from 1)`);
    if (out.some((a) => a.type === type)) return fail(`${type} is listed twice`);
    out.push({ type, total: Number(total) });
  }
  return ok(out);
};

const originList = (raw: string): ParseResult<string[]> => {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (item === '*') continue;
    const parsed = urlWithScheme(['http:', 'https:'])(item);
    if (!parsed.ok || parsed.value.origin !== item.replace(/\/$/, '')) {
      return fail(`"${item}" is not an origin like https://app.example.com`);
    }
  }
  return ok(items.map((s) => s.replace(/\/$/, '')));
};

const secretList = (raw: string): ParseResult<string[]> => {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) return fail('must not be empty');
  return items.some((s) => s.length < 32)
    ? fail('each secret must be at least 32 characters (generate one with `openssl rand -base64 48`)')
    : ok(items);
};

const phoneRegion = (raw: string): ParseResult<CountryCode> => {
  const v = raw.trim().toUpperCase();
  return isSupportedCountry(v)
    ? ok(v as CountryCode)
    : fail('must be a two-letter region code such as DE or US');
};

const durationSeconds = integerIn(1, 10 * 365 * 24 * 3600);

/** A 256-bit key: 64 hex digits, or base64 (standard or URL-safe) of 32 bytes. */
const aes256Key = (raw: string): ParseResult<Buffer> => {
  const v = raw.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(v)
    ? Buffer.from(v, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(v)
      ? Buffer.from(v, 'base64')
      : null;
  return bytes?.length === 32
    ? ok(bytes)
    : fail(
        'must be 32 random bytes as 64 hex digits or base64 (generate one with `openssl rand -base64 32`)',
      );
};

/**
 * The table of variables. Order is the README's order.
 * Defaults that depend on other variables (PUBLIC_URL, DATABASE_URL) are
 * resolved in load-config.ts.
 */
export const configSchema = {
  PORT: { default: '3000', doc: 'TCP port the server listens on', parse: integerIn(0, 65535) },
  HOST: { default: '127.0.0.1', doc: 'address the server listens on', parse: text },
  ROSTER_ENV: {
    default: 'development',
    doc: '`development`, `test` or `production`; production refuses insecure defaults',
    parse: oneOf(['development', 'test', 'production']),
  },
  ROSTER_DATA_DIR: {
    default: './data',
    doc: 'SQLite file, mail/SMS outbox and media when nothing else is configured',
    parse: text,
  },
  DATABASE_URL: {
    defaultDoc: 'SQLite file `<data dir>/roster.db`',
    doc: '`postgres://...` for PostgreSQL, `sqlite:<path>` or `sqlite::memory:` for SQLite',
    secret: true,
    parse: databaseUrl,
  },
  REDIS_URL: {
    doc: 'rate-limit counters and cross-node events in Redis (`redis://…`)',
    secret: true,
    parse: urlWithScheme(['redis:', 'rediss:']),
  },
  ROSTER_SECRET: {
    defaultDoc: 'generated into `<data dir>/secret` outside production',
    doc: 'master secret for HMACs and at-rest encryption, ≥ 32 characters; a comma-separated list rotates (first one signs and encrypts, all decrypt); required in production',
    secret: true,
    parse: secretList,
  },
  PUBLIC_URL: {
    defaultDoc: '`http://HOST:PORT`',
    doc: 'external base URL (links in mail, OAuth issuer); must be https in production',
    parse: urlWithScheme(['http:', 'https:']),
  },
  SMTP_URL: {
    defaultDoc: 'unset: mail is written to `<data dir>/outbox/mail/*.eml`',
    doc: '`smtp://user:pass@host:port` (or `smtps://`); required in production',
    secret: true,
    parse: urlWithScheme(['smtp:', 'smtps:']),
  },
  MAIL_FROM: { default: 'Roster <no-reply@localhost>', doc: 'sender address', parse: text },
  SMS_TRANSPORT: {
    default: 'outbox',
    doc: '`outbox` (`<data dir>/outbox/sms/*.json`), `webhook` (POST JSON `{"to","body"}` to `SMS_WEBHOOK_URL`) or `twilio`',
    parse: oneOf(['outbox', 'webhook', 'twilio']),
  },
  SMS_WEBHOOK_URL: {
    doc: 'where `SMS_TRANSPORT=webhook` posts messages',
    secret: true,
    parse: urlWithScheme(['http:', 'https:']),
  },
  ROSTER_PHONE_DEFAULT_REGION: {
    doc: 'region (ISO 3166 code, e.g. `DE`) assumed for phone numbers typed without a country code; unset: numbers need one',
    parse: phoneRegion,
  },
  TWILIO_ACCOUNT_SID: { doc: 'Twilio account SID (`SMS_TRANSPORT=twilio`)', parse: text },
  TWILIO_AUTH_TOKEN: { doc: 'Twilio auth token', secret: true, parse: text },
  TWILIO_FROM: { doc: 'Twilio sender number (E.164) or messaging service SID', parse: text },
  TWILIO_API_BASE: {
    default: 'https://api.twilio.com',
    doc: 'Twilio API base URL (for a regional edge or a test double)',
    parse: urlWithScheme(['http:', 'https:']),
  },
  STORAGE_URL: {
    defaultDoc: '`<data dir>/media` on disk',
    doc: '`s3://bucket?endpoint=...&region=...` for S3-compatible storage, or `file:<path>`',
    secret: true,
    parse: storageUrl,
  },
  MEDIA_PUBLIC_URL: {
    doc: 'base URL that public media links (avatars) point at, such as a CDN or the bucket, instead of `PUBLIC_URL/media/`',
    parse: urlWithScheme(['http:', 'https:']),
  },
  ROSTER_AVATAR_MAX_BYTES: {
    default: '10485760',
    doc: 'largest avatar upload in bytes (10 MiB); larger ones get 413',
    parse: integerIn(1024, 100 * 1024 * 1024),
  },
  ROSTER_AVATAR_MAX_PIXELS: {
    default: '40000000',
    doc: 'largest avatar in pixels (width × height, 40 MP), refused before it is decoded',
    parse: integerIn(10_000, 500_000_000),
  },
  ROSTER_AVATAR_REQUIRE_FACE: {
    default: 'false',
    doc: 'when true, a profile whose avatar shows no face is flagged (`avatarFlagged`); the upload itself is kept',
    parse: boolean,
  },
  ROSTER_ACTIVITY_SELF_REPORT: {
    default: 'false',
    doc: 'when true, signed-in users may record their own activity events (`POST /v1/activity/events`); otherwise only service keys with `activity:write`',
    parse: boolean,
  },
  ROSTER_ROLES: {
    doc: 'business roles besides `user` (comma-separated, such as `partner`): staff and service keys give them, they grant what `user` grants, and anyone may filter the directory by them; `admin` is the staff role',
    parse: nameList(['user', 'admin']),
  },
  ROSTER_ACCOUNT_TYPES: {
    doc: 'account types staff and service keys may give (comma-separated, such as `recipient,client`); unset: none',
    parse: nameList(),
  },
  ROSTER_DEFAULT_ACCOUNT_TYPE: {
    doc: 'the type new accounts get (one of ROSTER_ACCOUNT_TYPES); unset: none',
    parse: text,
  },
  ROSTER_ACHIEVEMENTS: {
    doc: 'achievement types every account has, with their targets (`type:total`, comma-separated, such as `five-star:20,referral:10`); `referral` counts verified referrals by itself',
    parse: achievementList,
  },
  ROSTER_PRESENCE_WINDOW: {
    default: '300',
    doc: 'seconds after its last request a session still shows its user as online',
    parse: integerIn(60, 3600),
  },
  ROSTER_REQUIRE_EMAIL_VERIFICATION: {
    default: 'true',
    doc: 'when false, accounts are verified at creation',
    parse: boolean,
  },
  ROSTER_INVITE_ONLY: {
    default: 'false',
    doc: 'when true, sign-up needs an unused invite code',
    parse: boolean,
  },
  ROSTER_INVITE_QUOTA: {
    default: '5',
    doc: 'invite codes each user may create (admins: no limit); `0` = only admins invite',
    parse: integerIn(0, 10_000),
  },
  ROSTER_RATE_LIMIT_IP_FACTOR: {
    default: '1',
    doc: 'scales every per-IP limit (`10` = ten times more generous, `0` = per-IP limits off); per-account limits always apply',
    parse: nonNegativeNumber,
  },
  ROSTER_RATE_LIMIT_USER_FACTOR: {
    default: '1',
    doc: 'scales the per-user activity limits (searches, follows and blocks, profile writes, invite codes); `0` = off. Sign-in and code limits always apply',
    parse: nonNegativeNumber,
  },
  TRUST_PROXY: {
    doc: 'proxies whose `X-Forwarded-For` is believed (addresses/CIDRs, or `loopback`); otherwise the socket address is the client',
    parse: proxyList,
  },
  ROSTER_COMPAT: {
    default: 'all',
    doc: 'which seed compatibility surfaces to mount: `all`, `none`, or a list like `001,002`',
    parse: compatList,
  },
  ROSTER_COMPAT_004_DATA_KEY: {
    doc: 'seed 004 surface: an AES-256-GCM key (64 hex digits or base64 of 32 bytes); when set, every `data` is encrypted and `is_data_encrypted` is 1 (format in docs/compat/004.md)',
    secret: true,
    parse: aes256Key,
  },
  ROSTER_DEV_TIME_HEADER: {
    default: 'false',
    doc: "in development only: let seed 004's `x-dev-time` header (epoch ms) set the time of its request; ignored in test, refused in production",
    parse: boolean,
  },
  ROSTER_PROFILE_EDITABLE_FIELDS: {
    doc: 'the profile fields users may change themselves with PATCH /v1/me (comma-separated, by their PATCH names: `bio,name,socials.website`; an object field such as `name` allows all its parts); any other field is refused with 403 `field_not_editable`; unset: every field',
    parse: profileFieldList,
  },
  ROSTER_SUBSCRIPTION_TIERS: {
    doc: 'subscription tiers staff and service keys (`subscriptions:write`) may give (comma-separated, such as `basic,pro`); unset: none, so no account can be subscribed',
    parse: nameList(),
  },
  ROSTER_PROFILE_SCHEMA: {
    doc: 'path of a JSON Schema file validating the operator-defined `custom` profile fields',
    parse: text,
  },
  ROSTER_CORS_ORIGINS: {
    doc: 'browser origins allowed to call the API with CORS (comma-separated, or `*`); unset: no CORS',
    parse: originList,
  },
  ROSTER_PASSWORD_MIN_LENGTH: {
    default: '8',
    doc: 'minimum password length (NIST 800-63B-4 advises 15 for password-only accounts)',
    parse: integerIn(8, 64),
  },
  ROSTER_SESSION_IDLE_TTL: {
    default: '1209600',
    doc: 'seconds a session may stay unused before it ends (14 days)',
    parse: durationSeconds,
  },
  ROSTER_SESSION_ABSOLUTE_TTL: {
    default: '2592000',
    doc: 'seconds after sign-in a session ends whatever its use (30 days)',
    parse: durationSeconds,
  },
  ROSTER_UNVERIFIED_TTL: {
    default: '604800',
    doc: 'seconds an unverified sign-up keeps its address and username before it is purged (7 days)',
    parse: durationSeconds,
  },
  ROSTER_REAUTH_MAX_AGE: {
    default: '300',
    doc: 'seconds after a full sign-in during which surfaces without a re-authentication field (the seed APIs) allow sensitive changes such as linking a phone or turning on 2FA (5 minutes)',
    parse: integerIn(0, 86_400),
  },
  ROSTER_METRICS_TOKEN: {
    doc: 'bearer token that `GET /metrics` on the main listener requires; in production /metrics is served only with this token or on `METRICS_PORT`',
    secret: true,
    parse: text,
  },
  METRICS_PORT: {
    doc: 'serve `/metrics` on a listener of its own on this port (and not on the main one)',
    parse: integerIn(0, 65535),
  },
  METRICS_HOST: {
    default: '127.0.0.1',
    doc: 'address the `METRICS_PORT` listener binds to (loopback by default)',
    parse: text,
  },
  ROSTER_SHUTDOWN_TIMEOUT: {
    default: '10',
    doc: 'seconds to finish in-flight requests after SIGTERM before closing anyway',
    parse: integerIn(1, 300),
  },
  LOG_LEVEL: {
    defaultDoc: '`info` (`silent` when `ROSTER_ENV=test`)',
    doc: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`. `info` writes one line per request when it is answered (method, URL with secrets and personal data replaced, address, status, milliseconds; not probes or scrapes); `debug` adds a line when each arrives; `warn` and above write no request lines',
    parse: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  },
} as const satisfies Record<string, VariableSpec<unknown>>;

export type ConfigVariable = keyof typeof configSchema;
