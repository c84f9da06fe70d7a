// Applies the in-code migrations. Kysely's Migrator takes a lock (an advisory
// lock on PostgreSQL), so two nodes starting together apply each one once.
import { type Migration, type MigrationResultSet, Migrator, NO_MIGRATIONS, sql } from 'kysely';
import type { Database } from './database.ts';
import { migrations } from './migrations/index.ts';

async function migrator(database: Database): Promise<Migrator> {
  const { db, dialect } = database;
  // On PostgreSQL, name the schema: otherwise Kysely takes a lock table that
  // exists in any schema on the search path as its own.
  const schema =
    dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  return new Migrator({
    db,
    ...(schema ? { migrationTableSchema: schema } : {}),
    migrationTableName: 'roster_migration',
    migrationLockTableName: 'roster_migration_lock',
    provider: {
      getMigrations: async () =>
        Object.fromEntries(
          migrations.map(([name, m]): [string, Migration] => [
            name,
            { up: (kdb) => m.up(kdb, dialect), down: (kdb) => m.down(kdb, dialect) },
          ]),
        ),
    },
  });
}

function unwrap(result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? ''} failed: ${String(result.error)}`, { cause: result.error });
  }
  return (result.results ?? []).map(
    (r) => `${r.direction === 'Up' ? 'applied' : 'reverted'} ${r.migrationName}`,
  );
}

/** Applies every pending migration; returns a line per migration applied (none when up to date). */
export async function migrateToLatest(database: Database): Promise<string[]> {
  return unwrap(await (await migrator(database)).migrateToLatest());
}

/** Reverts every migration (tests of the down path). */
export async function migrateToZero(database: Database): Promise<string[]> {
  return unwrap(await (await migrator(database)).migrateTo(NO_MIGRATIONS));
}

/** Names of the applied migrations, oldest first. */
export async function appliedMigrations(database: Database): Promise<string[]> {
  const all = await (await migrator(database)).getMigrations();
  return all.filter((m) => m.executedAt !== undefined).map((m) => m.name);
}
