import type { Kysely } from 'kysely';
import type { Dialect } from '../database.ts';

/**
 * A schema change in code. Migrations see `Kysely<any>` on purpose: they must
 * describe the schema as it was then, not as today's types say.
 */
export interface RosterMigration {
  // biome-ignore lint/suspicious/noExplicitAny: migrations predate today's table types
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  down(db: Kysely<any>, dialect: Dialect): Promise<void>;
}
