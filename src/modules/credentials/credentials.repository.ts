import type { Executor } from '../../platform/db/executor.ts';

export async function findCredential(db: Executor, userId: string, type: string): Promise<string | null> {
  const row = await db
    .selectFrom('credentials')
    .select('secret')
    .where('user_id', '=', userId)
    .where('type', '=', type)
    .executeTakeFirst();
  return row?.secret ?? null;
}

/** Sets the user's credential of a type, replacing an existing one. */
export async function upsertCredential(
  db: Executor,
  c: { id: string; userId: string; type: string; secret: string; now: string },
): Promise<void> {
  await db
    .insertInto('credentials')
    .values({
      id: c.id,
      user_id: c.userId,
      type: c.type,
      secret: c.secret,
      created_at: c.now,
      updated_at: c.now,
    })
    .onConflict((oc) => oc.columns(['user_id', 'type']).doUpdateSet({ secret: c.secret, updated_at: c.now }))
    .execute();
}

export async function deleteCredentials(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('credentials').where('user_id', '=', userId).execute();
}
