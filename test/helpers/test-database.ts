// A fresh, migrated database per test file: SQLite in memory, or a new
// PostgreSQL schema that is dropped afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DatabaseTarget } from '../../src/config/config.schema.ts';
import { type Database, openDatabase } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { postgresAdminUrl, testDialect } from './dialect.ts';

export interface TestDatabase {
  readonly database: Database;
  readonly target: DatabaseTarget;
  /** PostgreSQL schema name (undefined on SQLite). */
  readonly schema: string | undefined;
  /** Closes the connection and drops the schema. */
  drop(): Promise<void>;
}

export async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Catalog-wide introspection (Kysely's migrator lists every table of every
 * schema) fails with "schema … does not exist" when another test file drops
 * its schema at that moment. Test files share one database, so migrating and
 * dropping take turns under this advisory lock.
 */
const SCHEMA_DDL_LOCK = 7_531_001;
export function withSchemaLock<T>(work: () => Promise<T>): Promise<T> {
  return withAdmin(async (client) => {
    await client.query('select pg_advisory_lock($1)', [SCHEMA_DDL_LOCK]);
    try {
      return await work();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [SCHEMA_DDL_LOCK]);
    }
  });
}

/** Runs schema-changing work under the lock on PostgreSQL; as is on SQLite. */
export const schemaWork = <T>(work: () => Promise<T>): Promise<T> =>
  testDialect === 'postgres' ? withSchemaLock(work) : work();

export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(6).toString('hex')}`;

export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const migrate = options.migrate ?? true;
  if (testDialect === 'sqlite') {
    const target: DatabaseTarget = { dialect: 'sqlite', path: ':memory:' };
    const database = openDatabase(target);
    if (migrate) await migrateToLatest(database);
    return { database, target, schema: undefined, drop: () => database.close() };
  }
  const schema = uniqueName('test');
  // pg_trgm lives in the database's public schema, made once for every test
  // file: created by a migration inside a test schema, it would be dropped
  // with that schema, taking every other schema's trigram index with it.
  await withSchemaLock(() =>
    withAdmin(async (c) => {
      await c.query('create extension if not exists pg_trgm schema public');
      await c.query(`create schema ${schema}`);
    }),
  );
  const target: DatabaseTarget = { dialect: 'postgres', url: postgresAdminUrl };
  const database = openDatabase(target, { schema, poolSize: 5, connectionTimeoutMs: 30_000 });
  if (migrate) await withSchemaLock(() => migrateToLatest(database));
  return {
    database,
    target,
    schema,
    drop: async () => {
      await database.close();
      await withSchemaLock(() => withAdmin((c) => c.query(`drop schema ${schema} cascade`)));
    },
  };
}

/**
 * A whole PostgreSQL database for tests that start the real server process
 * with only DATABASE_URL set. Returns its URL and a drop function.
 */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = uniqueName('roster_test');
  await withAdmin((c) => c.query(`create database ${name}`));
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () => withAdmin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  };
}
