// How many listed entries each combination of filters has: per tag ('' for
// all entries), role, account type ('' for none) and public completeness. A
// numbered page's total then adds up at most a few hundred counters instead
// of reading every match, whatever the number of users. Database triggers
// keep them in the transaction of every change to an entry or its tags
// (migration 0023), so no writer can forget them.
import type { Executor } from '../../platform/db/executor.ts';
import type { UserRole } from '../users/index.ts';

/** The counted entries that pass these filters (at most one tag). */
export async function countedTotal(
  db: Executor,
  filter: {
    readonly tag?: string | undefined;
    readonly roles?: readonly UserRole[] | undefined;
    readonly accountType?: string | undefined;
    readonly completenessMin?: number | undefined;
    readonly completenessMax?: number | undefined;
  },
): Promise<number> {
  let qb = db
    .selectFrom('directory_counts')
    .select((eb) => eb.fn.sum<number | string | null>('n').as('n'))
    .where('tag_key', '=', filter.tag ?? '');
  if (filter.roles) qb = qb.where('role', 'in', filter.roles);
  if (filter.accountType !== undefined) qb = qb.where('account_type', '=', filter.accountType);
  if (filter.completenessMin !== undefined) qb = qb.where('completeness', '>=', filter.completenessMin);
  if (filter.completenessMax !== undefined) qb = qb.where('completeness', '<=', filter.completenessMax);
  return Number((await qb.executeTakeFirstOrThrow()).n ?? 0);
}

/** The longest gram counted: migration 0024's GRAM_MAX (a migration keeps its own constants). */
export const GRAM_MAX = 3;

/** The listed entries whose document holds `gram` (of up to GRAM_MAX characters): its shards added up. */
export async function gramTotal(db: Executor, gram: string): Promise<number> {
  const row = await db
    .selectFrom('directory_gram_counts')
    .select((eb) => eb.fn.sum<number | string | null>('n').as('n'))
    .where('gram', '=', gram)
    .executeTakeFirstOrThrow();
  return Number(row.n ?? 0);
}
