// Opens the configured database behind one typed Kysely instance.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type pg from 'pg';
import type { DatabaseTarget } from '../../config/config.schema.ts';
import { loadOnUse } from '../load-on-use.ts';
import type { Tables } from './database.types.ts';
import { GuardedDialect } from './guarded-dialect.ts';
import { NodeSqliteDialect, openSqlite } from './sqlite-dialect.ts';

export type Dialect = DatabaseTarget['dialect'];

export interface Database {
  readonly db: Kysely<Tables>;
  readonly dialect: Dialect;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PostgreSQL schema to use as search_path (tests isolate themselves this way). */
  readonly schema?: string;
  /** PostgreSQL pool size. */
  readonly poolSize?: number;
  /** How long a query waits for a free PostgreSQL connection before failing (ms). */
  readonly connectionTimeoutMs?: number;
}

// pg's defaults turn timestamptz into Date, int8 into string and jsonb into
// objects; the domain gets ISO strings, numbers and JSON text on both dialects.
const TIMESTAMPTZ_OID = 1184;
const TIMESTAMP_OID = 1114;
const INT8_OID = 20;
const JSON_OIDS = new Set([114, 3802]);
const pgTypes = (driver: typeof pg) => ({
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === TIMESTAMPTZ_OID || oid === TIMESTAMP_OID) return (v: string) => new Date(v).toISOString();
    if (oid === INT8_OID) return (v: string) => Number(v);
    // JSON stays text, as SQLite returns it; repositories parse it once.
    if (JSON_OIDS.has(oid)) return (v: string) => v;
    return driver.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
});

export function openDatabase(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Database {
  if (target.dialect === 'sqlite') {
    if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
    const { database } = openSqlite(target.path);
    const db = new Kysely<Tables>({ dialect: new GuardedDialect(new NodeSqliteDialect(database)) });
    return {
      db,
      dialect: 'sqlite',
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      close: () => db.destroy(),
    };
  }
  const driver = loadOnUse<typeof pg>('pg');
  const pool = new driver.Pool({
    connectionString: target.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    types: pgTypes(driver),
    ...(options.schema ? { options: `-c search_path=${quoteIdent(options.schema)}` } : {}),
  });
  // An idle client losing its connection must not crash the process; the
  // pool replaces it and /readyz reports the outage.
  pool.on('error', () => {});
  const db = new Kysely<Tables>({ dialect: new GuardedDialect(new PostgresDialect({ pool })) });
  return {
    db,
    dialect: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe schema name ${name}`);
  return name;
}
