// `npm run bench:seed [-- --users 100000]`: fills a database with made-up
// active users for the directory benchmark, fast: rows go in directly, 1,000
// users per transaction (users, profiles, user_tags, and the directory's
// user_search and user_search_tags), no HTTP, no
// password hashing, no credentials (nobody signs in as them). Derived data
// comes from the product's own functions (search document, completeness, tag
// keys, names and colours, UUIDv7 ids), so the rows are what sign-up and a
// profile update would have written.
//
// The database: DATABASE_URL (postgres://…; created when missing), otherwise
// the SQLite file the `search` scenario serves, in the temp directory, one per
// user count. Seeding again tops up to the count or does nothing: person i is
// always the same made-up person.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Insertable } from 'kysely';
import { sql } from 'kysely';
import pg from 'pg';
import type { DatabaseTarget } from '../src/config/config.schema.ts';
import { tagKeysText } from '../src/modules/directory/directory.repository.ts';
import { searchDocument } from '../src/modules/directory/search-document.ts';
import { scores } from '../src/modules/profiles/completeness.ts';
import { profileRow } from '../src/modules/profiles/profiles.repository.ts';
import type { ProfilesTable, UserTagsTable } from '../src/modules/profiles/profiles.table.ts';
import { tagColor, tagKey, tagName } from '../src/modules/profiles/tags.ts';
import type { UsersTable } from '../src/modules/users/users.table.ts';
import { type Database, openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { newId } from '../src/platform/ids.ts';
import { SEED_EMAIL_DOMAIN, seedPerson, TAG_POOL } from './search-data.ts';

export const SEARCH_USERS = 100_000;
const BATCH = 1_000;

/** A benchmark's seeded database: DATABASE_URL, or the SQLite file `$TMPDIR/<dir>/<file>`. */
export function benchDatabaseTarget(dir: string, file: string): DatabaseTarget {
  const url = process.env.DATABASE_URL;
  if (url) return { dialect: 'postgres', url };
  return { dialect: 'sqlite', path: join(tmpdir(), dir, file) };
}

/** Where the search benchmark's users live: DATABASE_URL, or a SQLite file per user count. */
export const searchDatabaseTarget = (users: number): DatabaseTarget =>
  benchDatabaseTarget('roster-bench-search', `users-${users}.db`);

export const describeTarget = (t: DatabaseTarget): string =>
  t.dialect === 'sqlite' ? `sqlite:${t.path}` : t.url.replace(/\/\/[^@/]*@/, '//…@');

/** Creates the PostgreSQL database of `url` when it does not exist (as its owner, through `postgres`). */
async function ensurePostgresDatabase(url: string): Promise<void> {
  const probe = new pg.Client({ connectionString: url });
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error; // 3D000: invalid_catalog_name
  } finally {
    await probe.end().catch(() => {});
  }
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  try {
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

async function countSeeded(database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('email', 'like', `%@${SEED_EMAIL_DOMAIN}`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Rows a sign-up plus a profile update would leave for person `i`. */
function rowsOf(i: number, now: string) {
  const p = seedPerson(i);
  const id = newId();
  const user: Insertable<UsersTable> = {
    id,
    email: p.email,
    email_verified_at: p.emailVerified ? now : null,
    username: p.username,
    phone: null,
    phone_verified_at: null,
    first_name: p.firstName,
    last_name: p.lastName,
    role: p.role,
    status: 'active',
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  const scored = scores({ ...p, verified: p.emailVerified });
  const profile: Insertable<ProfilesTable> = {
    user_id: id,
    ...profileRow(
      {
        ...p,
        middleName: null,
        gender: null,
        designation: null,
        customLink: null,
        availability: null,
        custom: {},
        isPrivate: false,
        ...scored,
      },
      now,
    ),
  };
  const tags: Insertable<UserTagsTable>[] = p.tags.map((name, position) => ({
    user_id: id,
    tag_key: tagKey(name),
    position,
  }));
  // The directory's entry, as its hooks write it (directory.hooks.ts).
  const search = {
    user_id: id,
    doc: searchDocument(p),
    listed: p.emailVerified ? 1 : 0,
    role: p.role,
    public_completeness: scored.publicCompleteness,
    tag_keys: tagKeysText([...new Set(tags.map((t) => t.tag_key))].sort()),
  };
  const searchTags = tags.map((t) => ({ user_id: id, tag_key: t.tag_key }));
  return { user, profile, search, tags, searchTags };
}

export interface SeedResult {
  readonly database: string;
  readonly users: number;
  /** Seeded users found before this run. */
  readonly existing: number;
  readonly added: number;
  readonly seconds: number;
}

/** Makes the database hold exactly `users` seeded users (adding the missing ones). */
export async function seedUsers(
  target: DatabaseTarget,
  users: number,
  progress: (line: string) => void = () => {},
): Promise<SeedResult> {
  const t0 = performance.now();
  if (target.dialect === 'postgres') await ensurePostgresDatabase(target.url);
  const database = openDatabase(target, { poolSize: 2 });
  try {
    await migrateToLatest(database);
    const existing = await countSeeded(database);
    if (existing > users) {
      throw new Error(
        `${describeTarget(target)} already holds ${existing} seeded users, more than ${users}; use another database`,
      );
    }
    if (existing < users) {
      const { db } = database;
      const pool = TAG_POOL.map((name) => {
        const key = tagKey(name);
        return { key, name: tagName(name), color: tagColor(key), usage_count: 0 };
      });
      await db
        .insertInto('tags')
        .values(pool)
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      for (let start = existing; start < users; start += BATCH) {
        const now = new Date().toISOString();
        const rows = Array.from({ length: Math.min(BATCH, users - start) }, (_, k) => rowsOf(start + k, now));
        const tags = rows.flatMap((r) => r.tags);
        const searchTags = rows.flatMap((r) => r.searchTags);
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('users')
            .values(rows.map((r) => r.user))
            .execute();
          await trx
            .insertInto('profiles')
            .values(rows.map((r) => r.profile))
            .execute();
          await trx
            .insertInto('user_search')
            .values(rows.map((r) => r.search))
            .execute();
          if (tags.length > 0) await trx.insertInto('user_tags').values(tags).execute();
          if (searchTags.length > 0) await trx.insertInto('user_search_tags').values(searchTags).execute();
        });
        const done = start + rows.length;
        if (done % 10_000 === 0 || done === users) progress(`seeded ${done} of ${users} users`);
      }
      // Usage counts as the profile transactions would have kept them.
      await db
        .updateTable('tags')
        .set({
          usage_count: (eb) =>
            eb
              .selectFrom('user_tags')
              .select((e) => e.fn.countAll<number>().as('n'))
              .whereRef('user_tags.tag_key', '=', 'tags.key'),
        })
        .where(
          'key',
          'in',
          pool.map((t) => t.key),
        )
        .execute();
      // PostgreSQL: what autovacuum would do within a minute of the inserts
      // (statistics, visibility map). SQLite: fold the WAL back into the file;
      // no ANALYZE, as the product never runs one.
      if (database.dialect === 'postgres') {
        await sql`vacuum analyze users, profiles, user_search, user_search_tags, user_tags, tags, directory_counts, directory_gram_counts`.execute(
          db,
        );
      } else {
        await sql`pragma wal_checkpoint(truncate)`.execute(db);
      }
    }
    return {
      database: describeTarget(target),
      users,
      existing,
      added: users - existing,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
    };
  } finally {
    await database.close();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { users: { type: 'string', default: String(SEARCH_USERS) } } });
  const users = Number(values.users);
  if (!Number.isInteger(users) || users < 1) {
    process.stderr.write('usage: npm run bench:seed [-- --users N]\n');
    process.exit(2);
  }
  const target = searchDatabaseTarget(users);
  process.stderr.write(`seeding ${describeTarget(target)}\n`);
  const result = await seedUsers(target, users, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
