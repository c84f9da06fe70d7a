// pg_trgm's GIN operator class, named by the schema the extension lives in,
// which need not be on this connection's search path.
import { type Kysely, type RawBuilder, sql } from 'kysely';

/**
 * Creates pg_trgm when the database lacks it (a trusted extension: database
 * owners may create it; once per database) and names its operator class.
 */
export async function trigramOps(db: Kysely<unknown>): Promise<RawBuilder<unknown>> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  const found = await sql<{ schema: string }>`
    select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
    where e.extname = 'pg_trgm'`.execute(db);
  return sql`${sql.id(found.rows[0]!.schema)}.gin_trgm_ops`;
}
