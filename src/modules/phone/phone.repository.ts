import type { Executor } from '../../platform/db/executor.ts';

/** Remembers that a right code for the number came from this network. */
export async function markKnownNetwork(
  db: Executor,
  row: { phone: string; network: string; userId: string | null; now: string },
): Promise<void> {
  await db
    .insertInto('phone_networks')
    .values({ phone: row.phone, network: row.network, user_id: row.userId, verified_at: row.now })
    .onConflict((oc) =>
      oc.columns(['phone', 'network']).doUpdateSet({ user_id: row.userId, verified_at: row.now }),
    )
    .execute();
}

/** Whether a right code for the number came from this network since `since`. */
export async function isKnownNetwork(
  db: Executor,
  phone: string,
  network: string,
  since: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('phone_networks')
    .select('phone')
    .where('phone', '=', phone)
    .where('network', '=', network)
    .where('verified_at', '>=', since)
    .executeTakeFirst();
  return row !== undefined;
}

/** Erasure: the account's rows, and every row of its number. */
export async function deletePhoneNetworks(
  db: Executor,
  of: { userId: string; phone: string | null },
): Promise<void> {
  await db
    .deleteFrom('phone_networks')
    .where((eb) =>
      of.phone === null
        ? eb('user_id', '=', of.userId)
        : eb.or([eb('user_id', '=', of.userId), eb('phone', '=', of.phone)]),
    )
    .execute();
}
