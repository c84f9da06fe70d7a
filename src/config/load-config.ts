// Environment -> validated, frozen Config. Every problem is collected and
// reported at once, one line per variable, so an operator fixes them in one go.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { CountryCode } from 'libphonenumber-js';
import {
  type CompatSurface,
  type ConfigVariable,
  configSchema,
  type DatabaseTarget,
  type VariableSpec,
} from './config.schema.ts';

export type RosterEnv = 'development' | 'test' | 'production';

export type SmsConfig =
  | { readonly transport: 'outbox' }
  | { readonly transport: 'webhook'; readonly url: string }
  | {
      readonly transport: 'twilio';
      readonly accountSid: string;
      readonly authToken: string;
      readonly from: string;
      readonly apiBase: string;
    };

export type StorageConfig =
  | { readonly kind: 'fs'; readonly dir: string }
  | { readonly kind: 's3'; readonly url: string };

export interface Config {
  readonly env: RosterEnv;
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database: DatabaseTarget;
  readonly redisUrl: string | null;
  /** First one signs and encrypts; every one is tried to decrypt (rotation). */
  readonly secrets: readonly string[];
  readonly publicUrl: string;
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  readonly sms: SmsConfig;
  readonly storage: StorageConfig;
  readonly media: {
    /** Base of public media URLs; null: `PUBLIC_URL/media`. */
    readonly publicUrl: string | null;
    readonly avatarMaxBytes: number;
    readonly avatarMaxPixels: number;
    readonly avatarRequireFace: boolean;
  };
  /** Signed-in users may record their own activity events. */
  readonly activitySelfReport: boolean;
  /** Roles, account types and achievements as the operator names them. */
  readonly standing: {
    readonly roles: readonly string[];
    readonly accountTypes: readonly string[];
    readonly subscriptionTiers: readonly string[];
    readonly defaultAccountType: string | null;
    readonly achievements: readonly { readonly type: string; readonly total: number }[];
  };
  /** Seconds a session counts as online after its last request. */
  readonly presenceWindowSeconds: number;
  readonly requireEmailVerification: boolean;
  readonly inviteOnly: boolean;
  readonly inviteQuota: number;
  readonly rateLimitIpFactor: number;
  readonly rateLimitUserFactor: number;
  readonly trustProxy: readonly string[] | null;
  readonly compat: readonly CompatSurface[];
  /** Seed 004's surface: its data key (AES-256-GCM), or null for clear data. */
  readonly compat004: { readonly dataKey: Buffer | null };
  /** `x-dev-time` may set a request's time: only in development, when the operator turned it on. */
  readonly devTimeHeader: boolean;
  readonly profileSchemaPath: string | null;
  /** The profile fields users may change themselves; null: all. */
  readonly profileEditableFields: readonly string[] | null;
  readonly corsOrigins: readonly string[];
  readonly passwordMinLength: number;
  /** Region for phone numbers typed without a country code; null: they need one. */
  readonly phoneDefaultRegion: CountryCode | null;
  readonly sessionIdleTtlSeconds: number;
  readonly sessionAbsoluteTtlSeconds: number;
  readonly shutdownTimeoutSeconds: number;
  /** Unverified sign-ups are purged this long after they were made. */
  readonly unverifiedTtlSeconds: number;
  /** How recent a full sign-in must be for sensitive changes on surfaces without a re-authentication field. */
  readonly reauthMaxAgeSeconds: number;
  /** /metrics: a bearer token on the main listener, or a listener of its own. */
  readonly metrics: {
    readonly token: string | null;
    readonly port: number | null;
    readonly host: string;
  };
  readonly logLevel: string;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;
type Parsed = { -readonly [K in ConfigVariable]?: unknown };

export interface LoadConfigOptions {
  /** Base for relative paths; defaults to the process's working directory. */
  readonly cwd?: string;
}

/** Reads and validates every variable; throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env, options: LoadConfigOptions = {}): Config {
  const problems: string[] = [];
  const values: Parsed = {};
  for (const [name, spec] of Object.entries(configSchema) as [ConfigVariable, VariableSpec<unknown>][]) {
    // An empty variable counts as unset, as most shells and orchestrators mean it.
    const given = env[name] === '' ? undefined : env[name];
    const raw = given ?? spec.default;
    if (raw === undefined) continue;
    const result = spec.parse(raw);
    if (result.ok) values[name] = result.value;
    else problems.push(`${name}: ${result.message}${spec.secret ? '' : ` (got ${JSON.stringify(raw)})`}`);
  }
  const get = (name: ConfigVariable): unknown => values[name];

  const cwd = options.cwd ?? process.cwd();
  const rosterEnv = (get('ROSTER_ENV') ?? 'development') as RosterEnv;
  const port = (get('PORT') as number | undefined) ?? 3000;
  const host = (get('HOST') as string | undefined) ?? '127.0.0.1';
  const dataDir = resolve(cwd, (get('ROSTER_DATA_DIR') as string | undefined) ?? './data');
  const publicUrl = (
    (get('PUBLIC_URL') as URL | undefined)?.href ?? `http://${hostForUrl(host)}:${port}`
  ).replace(/\/$/, '');
  const smtpUrl = (get('SMTP_URL') as URL | undefined)?.href ?? null;
  const sms = smsConfig(get, problems);

  if (rosterEnv === 'production') {
    if (!env.ROSTER_SECRET) problems.push('ROSTER_SECRET: required in production (≥ 32 random characters)');
    if (!publicUrl.startsWith('https://')) problems.push('PUBLIC_URL: must be an https:// URL in production');
    if (smtpUrl === null)
      problems.push('SMTP_URL: required in production (the mail outbox folder is for development)');
    if (get('ROSTER_DEV_TIME_HEADER') === true)
      problems.push(
        'ROSTER_DEV_TIME_HEADER: only for development; a client must not set the time in production',
      );
  }
  const accountTypes = (get('ROSTER_ACCOUNT_TYPES') as string[] | undefined) ?? [];
  const defaultAccountType = (get('ROSTER_DEFAULT_ACCOUNT_TYPE') as string | undefined) ?? null;
  if (defaultAccountType !== null && !accountTypes.includes(defaultAccountType))
    problems.push('ROSTER_DEFAULT_ACCOUNT_TYPE: must be one of ROSTER_ACCOUNT_TYPES');
  if (problems.length > 0) throw new ConfigError(problems);

  const database = (get('DATABASE_URL') as DatabaseTarget | undefined) ?? {
    dialect: 'sqlite' as const,
    path: join(dataDir, 'roster.db'),
  };
  const storageUrl = get('STORAGE_URL') as URL | undefined;
  const storage: StorageConfig =
    storageUrl === undefined
      ? { kind: 'fs', dir: join(dataDir, 'media') }
      : storageUrl.protocol === 'file:'
        ? { kind: 'fs', dir: resolve(cwd, decodeURIComponent(storageUrl.pathname)) }
        : { kind: 's3', url: storageUrl.href };

  return Object.freeze({
    env: rosterEnv,
    port,
    host,
    dataDir,
    database:
      database.dialect === 'sqlite' && database.path !== ':memory:' && !isAbsolute(database.path)
        ? { dialect: 'sqlite' as const, path: resolve(cwd, database.path) }
        : database,
    redisUrl: (get('REDIS_URL') as URL | undefined)?.href ?? null,
    secrets: Object.freeze((get('ROSTER_SECRET') as string[] | undefined) ?? [developmentSecret(dataDir)]),
    publicUrl,
    smtpUrl,
    mailFrom: get('MAIL_FROM') as string,
    sms,
    storage,
    media: Object.freeze({
      publicUrl: (get('MEDIA_PUBLIC_URL') as URL | undefined)?.href.replace(/\/+$/, '') ?? null,
      avatarMaxBytes: get('ROSTER_AVATAR_MAX_BYTES') as number,
      avatarMaxPixels: get('ROSTER_AVATAR_MAX_PIXELS') as number,
      avatarRequireFace: get('ROSTER_AVATAR_REQUIRE_FACE') as boolean,
    }),
    activitySelfReport: get('ROSTER_ACTIVITY_SELF_REPORT') as boolean,
    standing: Object.freeze({
      roles: Object.freeze((get('ROSTER_ROLES') as string[] | undefined) ?? []),
      accountTypes: Object.freeze(accountTypes),
      subscriptionTiers: Object.freeze((get('ROSTER_SUBSCRIPTION_TIERS') as string[] | undefined) ?? []),
      defaultAccountType,
      achievements: Object.freeze(
        (get('ROSTER_ACHIEVEMENTS') as { type: string; total: number }[] | undefined) ?? [],
      ),
    }),
    presenceWindowSeconds: get('ROSTER_PRESENCE_WINDOW') as number,
    requireEmailVerification: get('ROSTER_REQUIRE_EMAIL_VERIFICATION') as boolean,
    inviteOnly: get('ROSTER_INVITE_ONLY') as boolean,
    inviteQuota: get('ROSTER_INVITE_QUOTA') as number,
    rateLimitIpFactor: get('ROSTER_RATE_LIMIT_IP_FACTOR') as number,
    rateLimitUserFactor: get('ROSTER_RATE_LIMIT_USER_FACTOR') as number,
    trustProxy: Object.freeze((get('TRUST_PROXY') as string[] | undefined) ?? null),
    compat: Object.freeze(get('ROSTER_COMPAT') as CompatSurface[]),
    compat004: Object.freeze({ dataKey: (get('ROSTER_COMPAT_004_DATA_KEY') as Buffer | undefined) ?? null }),
    devTimeHeader: rosterEnv === 'development' && (get('ROSTER_DEV_TIME_HEADER') as boolean),
    profileSchemaPath: (get('ROSTER_PROFILE_SCHEMA') as string | undefined) ?? null,
    profileEditableFields: Object.freeze(
      (get('ROSTER_PROFILE_EDITABLE_FIELDS') as string[] | undefined) ?? null,
    ),
    corsOrigins: Object.freeze((get('ROSTER_CORS_ORIGINS') as string[] | undefined) ?? []),
    passwordMinLength: get('ROSTER_PASSWORD_MIN_LENGTH') as number,
    phoneDefaultRegion: (get('ROSTER_PHONE_DEFAULT_REGION') as CountryCode | undefined) ?? null,
    sessionIdleTtlSeconds: get('ROSTER_SESSION_IDLE_TTL') as number,
    sessionAbsoluteTtlSeconds: get('ROSTER_SESSION_ABSOLUTE_TTL') as number,
    shutdownTimeoutSeconds: get('ROSTER_SHUTDOWN_TIMEOUT') as number,
    unverifiedTtlSeconds: get('ROSTER_UNVERIFIED_TTL') as number,
    reauthMaxAgeSeconds: get('ROSTER_REAUTH_MAX_AGE') as number,
    metrics: Object.freeze({
      token: (get('ROSTER_METRICS_TOKEN') as string | undefined) ?? null,
      port: (get('METRICS_PORT') as number | undefined) ?? null,
      host: get('METRICS_HOST') as string,
    }),
    logLevel: (get('LOG_LEVEL') as string | undefined) ?? (rosterEnv === 'test' ? 'silent' : 'info'),
  });
}

function smsConfig(get: (name: ConfigVariable) => unknown, problems: string[]): SmsConfig {
  const transport = get('SMS_TRANSPORT') as SmsConfig['transport'] | undefined;
  if (transport === 'webhook') {
    const url = get('SMS_WEBHOOK_URL') as URL | undefined;
    if (!url) problems.push('SMS_WEBHOOK_URL: required when SMS_TRANSPORT=webhook');
    return { transport, url: url?.href ?? '' };
  }
  if (transport === 'twilio') {
    const [accountSid, authToken, from] = (
      ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const
    ).map((name) => {
      const value = get(name) as string | undefined;
      if (!value) problems.push(`${name}: required when SMS_TRANSPORT=twilio`);
      return value ?? '';
    });
    const apiBase = (get('TWILIO_API_BASE') as URL).href.replace(/\/$/, '');
    return { transport, accountSid: accountSid!, authToken: authToken!, from: from!, apiBase };
  }
  return { transport: 'outbox' };
}

/** IPv6 literals need brackets inside a URL. */
function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Outside production a missing ROSTER_SECRET is generated once into the data
 * directory (mode 0600) so that restarts keep sessions and encrypted data.
 */
function developmentSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    // Another process (the CLI, a second server) created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw error;
  }
}
