// Builds the real app on a fresh test database, with configuration from the
// same loader the server uses. Tests talk to it with app.inject() (real HTTP
// semantics, no socket) or listen on an ephemeral port when they need one.
// Passwords are hashed by the cheap argon2id hasher (hashers.ts) unless a test
// passes its own.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Overrides } from '../../src/compose.ts';
import { type Config, loadConfig } from '../../src/config/load-config.ts';
import type { App } from '../../src/http/app-types.ts';
import type { Clock } from '../../src/platform/clock.ts';
import type { PasswordHasher } from '../../src/platform/crypto/password-hasher.ts';
import { cheapHasher } from './hashers.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

export const TEST_SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';

export interface TestApp {
  readonly app: App;
  readonly config: Config;
  readonly db: TestDatabase;
  readonly dataDir: string;
  /** The app's password hasher (a second identity on the same database should share it). */
  readonly hasher: PasswordHasher;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment variables on top of the test defaults. */
  readonly env?: Record<string, string>;
  readonly logger?: FastifyBaseLogger;
  /** Register extra routes before the app is ready (error-path tests). */
  readonly extend?: (app: App) => void;
  /** A clock to move time with (ManualClock); the system clock otherwise. */
  readonly clock?: Clock;
  /**
   * Platform replacements (rate limiter on the manual clock, a counting or the
   * production hasher, post-login hooks, ...). The hasher is cheapHasher() otherwise.
   */
  readonly overrides?: Overrides;
  /** Reuse a database (two app nodes on one database); a fresh one otherwise. */
  readonly db?: TestDatabase;
}

export function testConfig(env: Record<string, string> = {}): Config {
  const dataDir = mkdtempSync(join(tmpdir(), 'roster-test-'));
  return loadConfig({
    ROSTER_ENV: 'test',
    ROSTER_SECRET: TEST_SECRET,
    ROSTER_DATA_DIR: dataDir,
    PUBLIC_URL: 'http://roster.test',
    // Every injected request comes from 127.0.0.1: per-IP limits would make
    // test files interfere. Tests of those limits set their own factor.
    ROSTER_RATE_LIMIT_IP_FACTOR: '100',
    ...env,
  });
}

export async function buildTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = testConfig(options.env);
  const db = options.db ?? (await createTestDatabase());
  const hasher = options.overrides?.hasher ?? cheapHasher();
  const app = await buildApp({
    config,
    database: db.database,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    // Mail is sent as soon as it is queued; the short poll only matters for retries.
    overrides: { outboxPollMs: 50, ...options.overrides, hasher },
  });
  options.extend?.(app);
  await app.ready();
  return {
    app,
    config,
    db,
    dataDir: config.dataDir,
    hasher,
    close: async () => {
      await app.close();
      if (!options.db) await db.drop();
    },
  };
}
