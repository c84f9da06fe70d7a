// Kysely over node:sqlite. Kysely's own SqliteDialect needs only `prepare` and
// `close`; node:sqlite's DatabaseSync is adapted to that minimal interface.
// Two changes to the stock driver:
// - transactions start with BEGIN IMMEDIATE, so a second process (the CLI, a
//   second server on the same file) waits on busy_timeout instead of failing
//   with SQLITE_BUSY when a read transaction later tries to write;
// - prepared statements are cached per SQL text.
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type SqliteDatabase,
  SqliteDialect,
  SqliteDriver,
  type SqliteStatement,
} from 'kysely';

const STATEMENT_CACHE_SIZE = 500;
const BUSY_TIMEOUT_MS = 5_000;

/** node:sqlite binds only numbers, strings, bigints, buffers and null. */
function toSqlite(value: unknown): SQLInputValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value as SQLInputValue;
}

class CachedStatements implements SqliteDatabase {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, SqliteStatement>();

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  prepare(sql: string): SqliteStatement {
    const hit = this.#cache.get(sql);
    if (hit) return hit;
    const statement = adapt(this.#db.prepare(sql));
    if (this.#cache.size >= STATEMENT_CACHE_SIZE) {
      // Maps iterate in insertion order: drop the oldest entry.
      this.#cache.delete(this.#cache.keys().next().value!);
    }
    this.#cache.set(sql, statement);
    return statement;
  }

  close(): void {
    this.#cache.clear();
    if (this.#db.isOpen) this.#db.close();
  }
}

function adapt(statement: StatementSync): SqliteStatement {
  const bind = (parameters: ReadonlyArray<unknown>) => parameters.map(toSqlite);
  return {
    // A statement that yields columns is a reader (SELECT, or anything with RETURNING).
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...bind(parameters)),
    run: (parameters) => statement.run(...bind(parameters)),
    iterate: (parameters) => statement.iterate(...bind(parameters)),
  };
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class NodeSqliteDialect extends SqliteDialect {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    super({ database });
    this.#database = database;
  }

  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver({ database: this.#database });
  }
}

/**
 * Opens a SQLite file (or `:memory:`) with WAL, foreign keys and a busy timeout,
 * the settings that make it safe for the CLI to write while the server runs.
 */
export function openSqlite(path: string): { database: SqliteDatabase; raw: DatabaseSync } {
  const raw = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
  if (path !== ':memory:') raw.exec('PRAGMA journal_mode = WAL');
  // NORMAL is durable in WAL mode except for the last commits on power loss.
  raw.exec('PRAGMA synchronous = NORMAL');
  raw.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return { database: new CachedStatements(raw), raw };
}
