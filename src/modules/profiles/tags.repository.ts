import type { Dialect } from '../../platform/db/database.ts';
import type { Executor } from '../../platform/db/executor.ts';
import { startsWith } from '../../platform/db/like.ts';

export interface Tag {
  name: string;
  key: string;
  color: string;
}

export async function listUserTags(db: Executor, userId: string): Promise<Tag[]> {
  return (await listTagsOfUsers(db, [userId])).get(userId)!;
}

/** Tags of several users (a page of results), each list in the user's order. */
export async function listTagsOfUsers(db: Executor, userIds: readonly string[]): Promise<Map<string, Tag[]>> {
  const out = new Map<string, Tag[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return out;
  const rows = await db
    .selectFrom('user_tags')
    .innerJoin('tags', 'tags.key', 'user_tags.tag_key')
    .select(['user_tags.user_id', 'tags.name', 'tags.key', 'tags.color'])
    .where('user_tags.user_id', 'in', userIds)
    .orderBy('user_tags.user_id')
    .orderBy('user_tags.position')
    .execute();
  for (const { user_id, ...tag } of rows) out.get(user_id)?.push(tag);
  return out;
}

/**
 * Replaces a user's tags and keeps every tag's usage count right, in the
 * caller's transaction.
 */
export async function replaceUserTags(
  db: Executor,
  dialect: Dialect,
  userId: string,
  tags: readonly Tag[],
  now: string | null = null,
): Promise<void> {
  const old = (
    await db.selectFrom('user_tags').select('tag_key').where('user_id', '=', userId).execute()
  ).map((r) => r.tag_key);
  const next = tags.map((t) => t.key);
  const removed = old.filter((k) => !next.includes(k));
  const added = next.filter((k) => !old.includes(k));
  // Rows are created and locked in key order: two users swapping tags must not
  // each hold one counter the other needs (PostgreSQL would abort one).
  const byKey = [...tags].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (byKey.length > 0) {
    await db
      .insertInto('tags')
      .values(
        byKey.map((t) => ({ key: t.key, name: t.name, color: t.color, usage_count: 0, created_at: now })),
      )
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }
  const changed = [...added, ...removed];
  if (dialect === 'postgres' && changed.length > 0) {
    await db
      .selectFrom('tags')
      .select('key')
      .where('key', 'in', changed)
      .orderBy('key')
      .forUpdate()
      .execute();
  }
  await db.deleteFrom('user_tags').where('user_id', '=', userId).execute();
  if (tags.length > 0) {
    await db
      .insertInto('user_tags')
      .values(tags.map((t, position) => ({ user_id: userId, tag_key: t.key, position })))
      .execute();
  }
  if (added.length > 0) {
    await db
      .updateTable('tags')
      .set((eb) => ({ usage_count: eb('usage_count', '+', 1) }))
      .where('key', 'in', added)
      .execute();
  }
  if (removed.length > 0) {
    await db
      .updateTable('tags')
      .set((eb) => ({ usage_count: eb('usage_count', '-', 1) }))
      .where('key', 'in', removed)
      .execute();
  }
}

/** Tags whose key starts with `prefix` (`%` and `_` literal), most used first. */
export async function searchTags(
  db: Executor,
  prefix: string,
  limit: number,
): Promise<(Tag & { usageCount: number })[]> {
  const rows = await db
    .selectFrom('tags')
    .select(['name', 'key', 'color', 'usage_count'])
    .where(startsWith('key', prefix))
    .where('usage_count', '>', 0)
    .orderBy('usage_count', 'desc')
    .orderBy('key')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ name: r.name, key: r.key, color: r.color, usageCount: Number(r.usage_count) }));
}

/** How many users carry each of these tags (the counts replaceUserTags keeps); unknown keys are absent. */
export async function tagUsage(db: Executor, keys: readonly string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await db.selectFrom('tags').select(['key', 'usage_count']).where('key', 'in', keys).execute();
  return new Map(rows.map((t) => [t.key, Number(t.usage_count)]));
}

/** Tags with how many users carry each and when the first took it, for faces that show tag metadata. */
export async function tagDetails(
  db: Executor,
  keys: readonly string[],
): Promise<Map<string, Tag & { usageCount: number; createdAt: string | null }>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('tags')
    .select(['key', 'name', 'color', 'usage_count', 'created_at'])
    .where('key', 'in', keys)
    .execute();
  return new Map(
    rows.map((r) => [
      r.key,
      {
        key: r.key,
        name: r.name,
        color: r.color,
        usageCount: Number(r.usage_count),
        createdAt: r.created_at === null ? null : new Date(r.created_at).toISOString(),
      },
    ]),
  );
}
