// Which database this test process runs against. `npm test` (scripts/test.ts)
// runs every suite once per dialect and sets ROSTER_TEST_DIALECT.
import type { Dialect } from '../../src/platform/db/database.ts';

export const testDialect: Dialect = process.env.ROSTER_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';

/** Administrative PostgreSQL URL (a database the tests may create schemas and databases in). */
export const postgresAdminUrl =
  process.env.ROSTER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
